"""One real mistake per error code: used by tests/test_catalogue.py and by the catalogue in docs/errors.md.

`example_errors(folder)` makes each mistake in `folder` and returns the NetspecError that
netspec raised for it, keyed by its code, so the documentation shows real messages.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LEAF = str(ROOT / "specs" / "leaf.net")
HUMPTY = str(ROOT / "specs" / "humpty_chars.net")
SUBWORD = str(ROOT / "specs" / "subword.net")
NET = "input a\ninput b\nweights W:\n   y  z\n a 1  2\n b 3  4\nlayer out = dense(input, W)\n"

SPEC_CASES = {
    "NS101": "input a\nlayer out = relu(input) @\n",
    "NS102": "input a\nlayer out relu(input)\n",
    "NS103": "input a\nweights W:\n",
    "NS104": 'input a "red\n',
    "NS106": "input a range 0 to １\n",
    "NS105": "input a\nrepeat 2 times:\n  layer h = relu(input)\noutput h\n",
    "NS112": b"input \xff\n",
    "NS201": NET + "layer p = softmax(outt)\n",
    "NS202": NET + "layer p = softmaks(out)\n",
    "NS203": NET + "layer out = relu(input)\n",
    "NS204": "input a\ninput b\nweights W:\n  y\n a 1\nlayer out = dense(input, W)\n",
    "NS205": "input a\ninput b\nweights W:\n  y\n a 1\n c 2\nlayer out = dense(input, W)\n",
    "NS206": "input a\nweights W:\n  y  z\n a 1\nlayer out = dense(input, W)\n",
    "NS207": NET + "layer p = softmax(input, out)\n",
    "NS208": NET + "layer p = dense(input, V)\nweights V:\n  q\n a 1\n b 1\n",
    "NS209": NET + "decide y if positive otherwise n\n",
    "NS210": NET + "example e: a=1 -> y\n",
    "NS228": NET + "example e: a=1, b=2\n",
    "NS211": "input a range 0 to 1\n" + NET.split("\n", 1)[1] + "example e: a=2, b=1 -> z\n",
    "NS212": "input a range 5 to 1\n" + NET.split("\n", 1)[1],
    "NS213": 'use "absent.net"\n' + NET,
    "NS214": "input a\n",
    "NS215": NET + 'say "it is {answer}"\n',
    "NS216": "input a as b\n" + NET.split("\n", 1)[1],
    "NS217": NET + "output out labels A, B, C\n",
    "NS218": NET + "layer r = add(input, out)\n",
    "NS240": NET + "layer s = attention(out, out, out)\n",
    "NS241": NET + "layer p, q, r = split(out, 3)\n",
    "NS219": 'vocabulary v characters "abca"\n' + NET,
    "NS220": NET.replace(" a 1  2", " a 1e400  2"),
    "NS221": NET + "repeat 0 times:\n  layer out = relu(out)\nend\n",
    "NS222": NET + "repeat 2 times:\n  layer out = relu(out)\n  output out\nend\n",
    "NS223": NET + "repeat 1000000 times:\n  layer out = relu(out)\nend\n",
    "NS224": 'vocabulary v characters "ab" numbered from 1e300\n' + NET,
    "NS230": 'vocabulary v subwords "cat", "ca t"\n' + NET,
    "NS227": NET + "weights V = columns(W, 1, 5)\n",
    "NS226": 'vocabulary v characters "ab"\ninput text "a long text" tokens 20000 from v\n'
             "weights E:\n   e1  e2\n a 1   0\n b 0   1\nlayer x = embed(input, E)\nlayer s = attention(x, x, x)\n",
    "NS225": NET.replace("y  z", "y  " + "z" * 2000)
             + 'say "' + "{decision} " * 40_000 + '"\n',
}

INPUT_CASES = {
    "NS301": ["-i", "R=abc", "-i", "G=1", "-i", "B=1", "-i", "Vol=1"],
    "NS302": ["-i", "R=nan", "-i", "G=1", "-i", "B=1", "-i", "Vol=1"],
    "NS303": ["-i", "R=1e400", "-i", "G=1", "-i", "B=1", "-i", "Vol=1"],
    "NS304": ["-i", "R=300", "-i", "G=1", "-i", "B=1", "-i", "Vol=1"],
    "NS305": ["-i", "Red=3"],
    "NS306": ["-i", "R=3"],
    "NS307": ["-i", "R=3", "-i", "R=4"],
    "NS312": ["--example", "tulip"],
    "NS315": ["-i", "R"],
    "NS320": ["-i", "R=３２", "-i", "G=1", "-i", "B=1", "-i", "Vol=1"],
}

TEXT_CASES = {  # run with specs/humpty_chars.net, whose input `text` takes 12 characters
    "NS316": ["-i", "text=Humpty dumpt"],
    "NS317": ["-i", "text=humpty"],
}

CSV_CASES = {
    "NS308": "R,G,B,Volume\n1,2,3,4\n",
    "NS309": "R,G,B,Vol\n1,2,3\n",
    "NS310": "R,G,B,Vol\n",
    "NS311": b"R,G,B,Vol\n1,2,3,\xff\n",
    "NS321": "R,G,B,Vol" + ",x" * 100_000 + "\n1,2,3,4\n",
}

WEIGHT_CASES = {
    "NS401": 'weights W from "absent.npy"',
    "NS402": 'weights W from "../outside.npy"',
    "NS403": 'weights W from "pickled.npy"',
    "NS404": 'weights W from "arch.npy"',
    "NS405": 'weights W from "badhead.npy"',
    "NS406": 'weights W from "ints.npy"',
    "NS407": 'weights W from "good.npy" shape (3, 2)',
    "NS408": 'weights W from "cut.npy"',
    "NS409": 'weights W from "good.npy"',  # checked with a 16-byte memory limit
    "NS410": 'weights W from "two.npz" key "C"',
    "NS411": 'weights W from "nan.npy"',
    "NS416": 'weights W from "bighead.safetensors"',
    "NS417": 'weights W from "square_pt.safetensors"',
    "NS420": 'weights W from "model.pt"',
}


VOCABULARY_CASES = {  # `vocabulary v subwords from "FILE"` in a spec's folder, FILE written with these bytes
    "NS412": ("absent.txt", None),
    "NS413": ("../outside.txt", None),
    "NS414": ("latin1.txt", b"cat\n\xe9t\xe9\n"),
    "NS415": ("twice.txt", b"cat\n##s\ncat\n"),
    "NS418": ("bert_vocab.txt", b"[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n##s\n"),
    "NS419": ("tokenizer.json", b'{"model": "not a tokenizer"}'),
}


def example_errors(folder: Path) -> dict:
    """code → the NetspecError netspec raised for that code's mistake, made in `folder`."""
    found = {}
    for code, text in SPEC_CASES.items():
        found[code] = _spec_error(folder / "spec", text, code)
    for code, args in INPUT_CASES.items():
        found[code] = _cli_error(["run", LEAF, *args])
    for code, args in TEXT_CASES.items():
        found[code] = _cli_error(["run", HUMPTY, *args])
    for code, content in CSV_CASES.items():
        path = folder / f"{code}.csv"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        found[code] = _cli_error(["run", LEAF, "--csv", str(path)])
    found.update(_weight_errors(folder / "weights"))
    found.update(_vocabulary_errors(folder / "vocabularies"))
    found.update(_other_errors(folder))
    found.update(_generate_errors(folder))
    found.update(_training_errors(folder / "training"))
    found.update(_interop_errors(folder / "interop"))
    return found


def _spec_error(folder: Path, text, code: str, limits=None):
    import netspec
    from netspec.errors import NetspecError, flatten

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mistake.net"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    try:
        netspec.load_spec(path, limits)
    except NetspecError as error:
        return next((e for e in flatten(error) if e.code == code), flatten(error)[0])
    raise AssertionError(f"{code}: no error for {text!r}")


def _cli_error(args: list[str]):
    """The NetspecError a command raises (before netspec.cli.main would print it)."""
    import contextlib
    import io

    from netspec.cli import cli
    from netspec.errors import NetspecError

    try:
        with contextlib.redirect_stdout(io.StringIO()):  # `check` prints its report before failing
            cli.main(args=args, prog_name="netspec", standalone_mode=False)
    except NetspecError as error:
        return error
    raise AssertionError(f"no error for netspec {' '.join(args)}")


def _weight_errors(folder: Path) -> dict:
    from netspec.limits import Limits

    inner = folder / "inner"
    inner.mkdir(parents=True, exist_ok=True)
    _weight_files(folder, inner)
    found = {}
    for code, line in WEIGHT_CASES.items():
        limits = Limits(max_bytes=16) if code == "NS409" else None
        text = f"input a\ninput b\n{line}\nlayer out = dense(input, W)\n"
        found[code] = _spec_error(inner, text, code, limits)
    return found


def _weight_files(folder: Path, inner: Path):
    np.save(folder / "outside.npy", np.ones((2, 2)))
    np.save(inner / "good.npy", np.ones((2, 2)))
    np.save(inner / "ints.npy", np.ones((2, 2), dtype=np.int32))
    (inner / "pickled.npy").write_bytes(pickle.dumps({"W": 1}))
    np.savez(inner / "arch.npz", A=np.ones((2, 2)))
    os.replace(inner / "arch.npz", inner / "arch.npy")
    (inner / "cut.npy").write_bytes((inner / "good.npy").read_bytes()[:-8])
    (inner / "badhead.npy").write_bytes(b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8',,\n" + b"\0" * 32)
    np.savez(inner / "two.npz", A=np.ones((2, 2)), B=np.ones((2, 2)))
    np.save(inner / "nan.npy", np.array([[1.0, np.nan], [0.5, 2.0]]))
    torch_zip(inner / "model.pt")
    header = json.dumps({"W": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]},
                         "__metadata__": {"format": "pt"}}).encode()  # as PyTorch saves an nn.Linear(2, 2)
    (inner / "square_pt.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(32))
    with (inner / "bighead.safetensors").open("wb") as stream:  # a 17 MiB header, sparse: no disk taken
        stream.write(struct.pack("<Q", 17 * 1024**2) + b"{")
        stream.truncate(8 + 17 * 1024**2)


def torch_zip(path: Path):
    """A file laid out as torch.save writes one (since PyTorch 1.6): a zip of archive/data.pkl (the pickle
    that names the tensors), archive/version and archive/data/0 (a tensor's bytes)."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"W": "storage 0"}))
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/data/0", np.ones(4, dtype=np.float32).tobytes())


def _vocabulary_errors(folder: Path) -> dict:
    """Sub-word vocabularies: a word no pieces spell, and vocabulary files that cannot be used."""
    inner = folder / "inner"
    inner.mkdir(parents=True, exist_ok=True)
    (folder / "outside.txt").write_text("cat\n", encoding="utf-8")
    found = {"NS319": _cli_error(["run", SUBWORD, "-i", "word=zebras"])}
    for code, (name, content) in VOCABULARY_CASES.items():
        if content is not None:
            (inner / name).write_bytes(content)
        found[code] = _spec_error(inner, f'vocabulary v subwords from "{name}"\n' + NET, code)
    return found


def _import_errors(folder: Path) -> dict:
    """`netspec import` of what it cannot import: each mistake made in a copy of the tiny GPT-2 folder."""
    import shutil

    gpt2 = ROOT / "tests" / "reference" / "hf" / "tiny_gpt2"
    made = {}
    for code in ("NS952", "NS953", "NS954"):
        shutil.copytree(gpt2, folder / code)
    (folder / "NS952" / "tokenizer.json").unlink()
    header = (folder / "NS953" / "model.safetensors").read_bytes()
    (folder / "NS953" / "model.safetensors").write_bytes(header.replace(b"transformer.wpe.weight", b"transformer.wpX.weight"))
    config = folder / "NS954" / "config.json"
    config.write_text(config.read_text().replace('"gpt2"', '"llama"'))
    for code in ("NS952", "NS953", "NS954"):
        made[code] = _cli_error(["import", str(folder / code), "-o", str(folder / code / "model.net")])
    spec = folder / "NS805" / "model.net"
    shutil.copytree(gpt2, spec.parent)
    from netspec.interop import import_model
    spec.write_text(import_model(spec.parent, spec).replace("mask=causal", "mask=none"), encoding="utf-8")
    made["NS805"] = _cli_error(["generate", str(spec), "--text", "The leaf", "--steps", "2"])
    made["NS955"] = _cli_error(["import", str(gpt2), "-o", str(folder / "outside.net")])
    made["NS956"] = _cli_error(["import", str(gpt2), "-o", str(gpt2 / "model.net"), "--tokens", "33"])
    return made


def _other_errors(folder: Path) -> dict:
    import netspec
    from netspec.limits import MAX_SPEC_BYTES
    from netspec.errors import NetspecError

    found = {"NS110": _cli_error(["check", str(folder / "absent.net")])}
    big = folder / "big.net"
    with big.open("wb") as stream:
        stream.truncate(MAX_SPEC_BYTES + 1)
    found["NS111"] = _cli_error(["check", str(big)])
    objects = str(ROOT / "specs" / "objects.csv")
    found["NS313"] = _cli_error(["trace", LEAF, "--csv", objects, "--row", "9"])
    found["NS314"] = _cli_error(["trace", LEAF, "--focus", "hidden.h9"])
    found["NS324"] = _cli_error(["run", LEAF, "--set", "W1[G,h9]=0.3"])
    answers = folder / "answers.csv"
    answers.write_text("number,answer\n1,3.2\n")
    found["NS322"] = _cli_error(["grade", LEAF, str(answers), "--example", "leaf"])
    found["NS323"] = _cli_error(["trace", HUMPTY, "--audience", "learner", "--variants", "2"])
    wrong = folder / "wrong.net"
    wrong.write_text(Path(LEAF).read_text() + "example wrong: R=32, G=107, B=56, Vol=11.2 -> Flower\n")
    found["NS601"] = _cli_error(["check", str(wrong)])
    found.update(_import_errors(folder / "models"))
    found["NS505"] = _cli_error(["trace", LEAF, "--csv", objects, "--max-memory", "1KB"])
    found["NS703"] = _cli_error(["trace", LEAF, "--max-printout", "2KB"])
    found["NS701"] = _cli_error(["run", LEAF, "-o", str(folder / "no" / "out.txt")])
    found["NS702"] = _cli_error(["trace", str(wrong), "--example", "leaf", "--format", "text", "-o", str(wrong)])
    taken = folder / "taken"
    (taken / "weights").mkdir(parents=True)
    (taken / "leaf.net").write_text("# my own leaf network\n")
    (taken / "weights" / "leaf.npz").write_bytes(b"")
    found["NS704"] = _cli_error(["examples", str(taken)])
    numeric = folder / "numeric.net"
    numeric.write_text("input a\ninput b\nweights W:\n   y\n a 1e300\n b 1e300\nlayer out = dense(input, W)\n"
                       "layer p = divide_by_sum(input)\n")
    plan = netspec.compile_plan(netspec.load_spec(numeric))
    for code, row in (("NS501", [1e10, 1e10]), ("NS502", [-1, 1])):
        try:
            netspec.run_plan(plan, [row])
        except NetspecError as error:
            found[code] = error
    try:
        netspec.compile_plan(netspec.load_spec(numeric), dtype="float32")
    except NetspecError as error:
        found["NS506"] = error
    flat = folder / "flat.net"
    flat.write_text("input a\ninput b\nlayer n = layer_norm(input, eps=0)\n")
    try:
        netspec.run_plan(netspec.compile_plan(netspec.load_spec(flat)), [[2, 2]])
    except NetspecError as error:
        found["NS503"] = error
    try:  # eight numbers for the 4-input leaf network, as one row
        netspec.run_plan(netspec.compile_plan(netspec.load_spec(LEAF)), [[32, 107, 56, 11.2, 241, 200, 4, 59.5]])
    except NetspecError as error:
        found["NS318"] = error
    embed = netspec.load_spec(ROOT / "specs" / "humpty_embed.net")
    try:  # token numbers handed in from Python, past the tokenizer: 99 is no character's number
        netspec.run_plan(netspec.compile_plan(embed), [[99] + [1] * 11])
    except NetspecError as error:
        found["NS504"] = error
    return found


def _generate_errors(folder: Path) -> dict:
    """`netspec generate` with a spec that cannot continue a text, and settings out of range."""
    import netspec
    from netspec.errors import NetspecError

    found = {"NS801": _cli_error(["generate", LEAF, "--text", "humpty dumpt"])}
    yes_no = folder / "yes_no.net"  # a text input, but the outputs are `yes` and `no`, not the tokens a and b
    yes_no.write_text('vocabulary v characters "ab" numbered from 1\ninput text "two letters" tokens 2 from v\n'
                      "weights W:\n        yes  no\n text1  1    0\n text2  0    1\nlayer out = dense(input, W)\n")
    found["NS802"] = _cli_error(["generate", str(yes_no), "--text", "ab"])
    try:
        netspec.generate(HUMPTY, "humpty dumpt", steps=0)
    except NetspecError as error:
        found["NS803"] = error
    found["NS804"] = _cli_error(["generate", str(ROOT / "specs" / "tiny_gpt.net"), "--text", "humpty dumpt",
                                 "--steps", "100", "--max-operations", "1000000"])
    return found


def _interop_errors(folder: Path) -> dict:
    """ONNX export and import: an operation without an ONNX form, onnx missing, models that cannot be imported."""
    import dataclasses
    import sys

    import netspec
    from netspec.errors import NetspecError
    from netspec.interop.onnx_export import onnx_bytes

    folder.mkdir(parents=True, exist_ok=True)
    plan = netspec.compile_plan(netspec.load_spec(LEAF))
    formless = dataclasses.replace(plan.steps[0], op=dataclasses.replace(plan.steps[0].op, onnx=None))
    found = {}
    try:  # every operation netspec has today has an ONNX form: one without stands for a new one
        onnx_bytes(dataclasses.replace(plan, steps=(formless, *plan.steps[1:])))
    except NetspecError as error:
        found["NS960"] = error
    saved = sys.modules.get("onnx")
    sys.modules["onnx"] = None  # as if onnx were not installed: importing it raises ImportError
    try:
        found["NS961"] = _cli_error(["export", LEAF, "-o", str(folder / "leaf.onnx")])
    finally:
        sys.modules["onnx"] = saved
    models = ROOT / "tests" / "reference" / "onnx"
    found["NS962"] = _cli_error(["import", str(models / "unsupported.onnx"), "-o", str(folder / "u.net")])
    (folder / "broken.onnx").write_bytes(b"not a model")
    found["NS963"] = _cli_error(["import", str(folder / "broken.onnx"), "-o", str(folder / "b.net")])
    found["NS964"] = _cli_error(["import", str(folder / "model.h5"), "-o", str(folder / "h.net")])
    return found


def _training_errors(folder: Path) -> dict:
    """`netspec train` with data that has no targets or an unknown label, a run that diverges, a --freeze
    of no table, and a trained table that belongs to a spec the spec uses."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = {"NS901": "R,G,B,Vol,Leaf\n1,2,3,4,1\n", "NS902": "R,G,B,Vol,label\n1,2,3,4,Tree\n"}
    found = {}
    for code, text in rows.items():
        (folder / f"{code}.csv").write_text(text, encoding="utf-8")
        found[code] = _cli_error(["train", LEAF, "--data", str(folder / f"{code}.csv"), "-o", str(folder / "o.net")])
    data = str(ROOT / "specs" / "leaf_train.csv")
    # A wanted 1e200 squares past the largest float at the first step, on every CPU: a divergence
    # that grows over epochs ends in ∞ or NaN by the BLAS kernel's fused multiply-adds.
    (folder / "NS903.csv").write_text("R,G,B,Vol,Leaf,Flower\n32,107,56,11.2,1e200,0\n", encoding="utf-8")
    found["NS903"] = _cli_error(["train", LEAF, "--data", str(folder / "NS903.csv"), "-o", str(folder / "o.net"),
                                 "--loss", "mse"])
    found["NS904"] = _cli_error(["train", LEAF, "--data", data, "-o", str(folder / "o.net"), "--freeze", "W3"])
    weather = ROOT / "specs" / "weather.net"
    found["NS905"] = _cli_error(["train", str(weather), "--data", _weather_rows(folder), "-o", str(folder / "w.net")])
    return found


def _weather_rows(folder: Path) -> str:
    import netspec

    spec = netspec.load_spec(ROOT / "specs" / "weather.net")
    path = folder / "weather.csv"
    path.write_text(",".join([*spec.fields, "label"]) + "\n" + ",".join(["1"] * len(spec.fields)) +
                    f",{spec.decision.labels[0]}\n", encoding="utf-8")
    return str(path)


def shown_message(error, folder: Path) -> str:
    """The error's message with the temporary folder left out, as docs/errors.md shows it."""
    return error.message.replace(str(folder) + os.sep, "").replace(str(ROOT) + os.sep, "")

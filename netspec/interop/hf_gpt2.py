"""A GPT2LMHeadModel folder in, a .net spec out: the next token's scores at every position.

GPT-2 (Radford et al. 2019) is the article's GPT block (notes §1.14), pre-norm:
    x = x + attention(layer_norm(x));   x = x + MLP(layer_norm(x))
with the queries, keys and values made by ONE table (`c_attn`, features × 3·features)
and split, an MLP of GELU in its tanh form (`gelu_new`), a final layer norm and an output
head that is the token embedding turned round (tied weights). GPT-2's Conv1D keeps each
weight a row per input neuron, netspec's own order: `layout in×out`.
"""

from __future__ import annotations

from netspec.errors import ModelImportError
from netspec.interop.hf_folder import Folder, Lines, number

ACTIVATIONS = {"gelu_new": "gelu_tanh", "gelu_pytorch_tanh": "gelu_tanh", "gelu": "gelu", "relu": "relu"}


def write_gpt2(folder: Folder, name: str, tokens: int | None) -> str:
    config = folder.config
    _supported(folder)
    p = folder.prefix("wte.weight")
    vocabulary, width = folder.shape(f"{p}wte.weight")
    context = folder.shape(f"{p}wpe.weight")[0]
    layers, heads, eps = int(config["n_layer"]), int(config["n_head"]), number(config.get("layer_norm_epsilon", 1e-5))
    inner = folder.shape(f"{p}h.0.mlp.c_fc.weight")[1]
    activation = ACTIVATIONS[config.get("activation_function", "gelu_new")]
    out = Lines(folder)
    out.add(f"# {name}.net: GPT-2 (GPT2LMHeadModel) from the folder {folder.path.name}, written by `netspec import`.",
            f"# {layers} blocks of {width} features, {heads} heads of {width // heads}, an MLP of {inner}, "
            f"{vocabulary:,} tokens, a context of {context}.",
            "# Each block, pre-norm:  x = x + attention(layer_norm(x));  x = x + MLP(layer_norm(x)).",
            "# Every table is read from model.safetensors by its Hugging Face name; GPT-2 keeps a weight",
            "# a row per input (`layout in×out`) and its output head is the embedding turned round.",
            "",
            f'network {name} "GPT-2: the next token\'s scores, {layers} blocks of {width} features."',
            "",
            f'vocabulary tokens subwords from "{folder.file("tokenizer.json")}"',
            f'input text "the text so far" {_length(tokens, context)} from tokens',
            "")
    out.table("weights", "wte", f"{p}wte.weight", (vocabulary, width))
    out.add("layer embedded = embed(input, wte)")
    out.table("weights", "wpe", f"{p}wpe.weight", (context, width))
    out.add("layer x = positional_embedding(embedded, wpe)", "", f"repeat {layers} times as block:",
            "  # attention, after layer norm, added back to x")
    block = f"{p}h.{{i0}}."
    _block(out, block, width, inner, heads, eps, activation)
    out.add("end", "")
    out.table("vector", "lnf_scale", f"{p}ln_f.weight", (width,))
    out.table("vector", "lnf_shift", f"{p}ln_f.bias", (width,))
    out.add(f"layer final = layer_norm(x, lnf_scale, lnf_shift, eps={eps})",
            "weights head = transpose(wte)  # tied: the embedding's numbers, read once",
            "layer scores = dense(final, head)", "",
            "output scores labels from tokens",
            "decide largest",
            'say "The next token is {decision}."')
    return out.text


def _block(out: Lines, block: str, width: int, inner: int, heads: int, eps: str, activation: str):
    out.table("vector", "ln1_scale", f"{block}ln_1.weight", (width,), indent="  ")
    out.table("vector", "ln1_shift", f"{block}ln_1.bias", (width,), indent="  ")
    out.add(f"  layer normed = layer_norm(x, ln1_scale, ln1_shift, eps={eps})")
    out.table("weights", "Wqkv", f"{block}attn.c_attn.weight", (width, 3 * width), "in×out", "  ")
    out.table("bias", "bqkv", f"{block}attn.c_attn.bias", (3 * width,), indent="  ")
    out.add("  layer qkv = dense(normed, Wqkv, bqkv)", "  layer q, k, v = split(qkv, 3)",
            f"  layer mixed = attention(q, k, v, heads={heads}, scale=sqrt, mask=causal)")
    out.table("weights", "Wo", f"{block}attn.c_proj.weight", (width, width), "in×out", "  ")
    out.table("bias", "bo", f"{block}attn.c_proj.bias", (width,), indent="  ")
    out.add("  layer projected = dense(mixed, Wo, bo)", "  layer attended = add(x, projected)", "",
            "  # the feed-forward network, after layer norm, added back to x")
    out.table("vector", "ln2_scale", f"{block}ln_2.weight", (width,), indent="  ")
    out.table("vector", "ln2_shift", f"{block}ln_2.bias", (width,), indent="  ")
    out.add(f"  layer normed2 = layer_norm(attended, ln2_scale, ln2_shift, eps={eps})")
    out.table("weights", "W1", f"{block}mlp.c_fc.weight", (width, inner), "in×out", "  ")
    out.table("bias", "b1", f"{block}mlp.c_fc.bias", (inner,), indent="  ")
    out.add("  layer up = dense(normed2, W1, b1)", f"  layer active = {activation}(up)")
    out.table("weights", "W2", f"{block}mlp.c_proj.weight", (inner, width), "in×out", "  ")
    out.table("bias", "b2", f"{block}mlp.c_proj.bias", (width,), indent="  ")
    out.add("  layer down = dense(active, W2, b2)", "  layer x = add(attended, down)")


def _length(tokens: int | None, context: int) -> str:
    if tokens is not None and not 1 <= tokens <= context:
        raise ModelImportError(f"--tokens {tokens}: the model reads 1 to {context} tokens", code="NS956",
                               hint=f"give a length from 1 to {context} (its position table's rows)")
    return f"tokens {tokens or context}"


def _supported(folder: Folder):
    """What this writer does not express is refused, never imported wrongly."""
    config = folder.config
    problems = [f"{key} = {config[key]!r}" for key, fine in
                (("scale_attn_by_inverse_layer_idx", False), ("add_cross_attention", False),
                 ("scale_attn_weights", True)) if key in config and config[key] != fine]
    activation = config.get("activation_function", "gelu_new")
    if activation not in ACTIVATIONS:
        problems.append(f"activation_function = {activation!r}")
    if problems:
        raise ModelImportError(f"this GPT-2 has settings netspec does not import: {', '.join(problems)}",
                               code="NS954", hint="netspec imports GPT-2 as released: scaled attention, "
                                                  f"activations {', '.join(ACTIVATIONS)}")

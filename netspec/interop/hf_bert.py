"""A BERT sentence-transformers folder in, a .net spec out: the sentence's embedding, one vector.

BERT (Devlin et al. 2019) is post-norm: each layer adds and then normalises,
    x = layer_norm(x + attention(x));   x = layer_norm(x + MLP(x))
after an embedding of the tokens, their positions and their token type (a sentence alone
is all type 0: row 1 of that table at every position). Attention sees every real token,
none of the padding. sentence-transformers then takes the mean over the real tokens
(1_Pooling/config.json: pooling_mode_mean_tokens) and divides by the length
(2_Normalize), so two texts compare by the angle between their vectors. PyTorch's
nn.Linear keeps a weight a row per output neuron: `layout out×in`.
"""

from __future__ import annotations

from netspec.errors import ModelImportError
from netspec.interop.hf_folder import Folder, Lines, number

ACTIVATIONS = {"gelu": "gelu", "gelu_new": "gelu_tanh", "gelu_pytorch_tanh": "gelu_tanh", "relu": "relu"}


def write_bert(folder: Folder, name: str, tokens: int | None) -> str:
    config = folder.config
    normalize = _modules(folder)
    p = folder.prefix("embeddings.word_embeddings.weight")
    vocabulary, width = folder.shape(f"{p}embeddings.word_embeddings.weight")
    context = folder.shape(f"{p}embeddings.position_embeddings.weight")[0]
    layers, heads = int(config["num_hidden_layers"]), int(config["num_attention_heads"])
    inner, eps = folder.shape(f"{p}encoder.layer.0.intermediate.dense.weight")[0], number(config.get("layer_norm_eps", 1e-12))
    activation = _activation(config)
    length = _length(folder, tokens, context)
    out = Lines(folder)
    out.add(f"# {name}.net: a BERT sentence embedder from the folder {folder.path.name}, written by `netspec import`.",
            f"# {layers} layers of {width} features, {heads} heads of {width // heads}, an MLP of {inner}, "
            f"{vocabulary:,} tokens, texts of up to {length} tokens.",
            "# Each layer, post-norm:  x = layer_norm(x + attention(x));  x = layer_norm(x + MLP(x)).",
            "# Then sentence-transformers' pooling: the mean over the real tokens"
            + (", divided by its length." if normalize else "."),
            "# Every table is read from model.safetensors by its Hugging Face name; PyTorch keeps a weight",
            "# a row per output neuron (`layout out×in`).",
            "",
            f'network {name} "A text in, its sentence embedding out: {width} numbers."',
            "",
            f'vocabulary tokens subwords from "{folder.file("tokenizer.json")}"',
            f'input text "a text, as the model\'s tokenizer cuts it" tokens up to {length} from tokens',
            "")
    e = f"{p}embeddings."
    out.table("weights", "word", f"{e}word_embeddings.weight", (vocabulary, width))
    out.add("layer words = embed(input, word)")
    out.table("weights", "positions", f"{e}position_embeddings.weight", (context, width))
    out.add("layer placed = positional_embedding(words, positions)")
    out.table("weights", "types", f"{e}token_type_embeddings.weight", folder.shape(f"{e}token_type_embeddings.weight"))
    out.add("layer typed = positional_embedding(placed, types, row=1)  # one text: every token is of type 0")
    out.table("vector", "ln_scale", f"{e}LayerNorm.weight", (width,))
    out.table("vector", "ln_shift", f"{e}LayerNorm.bias", (width,))
    out.add(f"layer x = layer_norm(typed, ln_scale, ln_shift, eps={eps})", "", f"repeat {layers} times as layer:")
    _layer(out, f"{p}encoder.layer.{{i0}}.", width, inner, heads, eps, activation)
    out.add("end", "", "# sentence-transformers' pooling: each feature's mean over the real tokens")
    out.add("layer pooled = mean_pool(x)")
    result = "pooled"
    if normalize:
        out.add("layer embedding = l2_normalize(pooled)")
        result = "embedding"
    out.add("", f"output {result}", "decide nothing", 'say "These numbers are the text\'s embedding."')
    return out.text


def _layer(out: Lines, layer: str, width: int, inner: int, heads: int, eps: str, activation: str):
    out.add("  # attention over the real tokens, added to x, then layer norm")
    for short, long in (("q", "query"), ("k", "key"), ("v", "value")):
        out.table("weights", f"W{short}", f"{layer}attention.self.{long}.weight", (width, width), "out×in", "  ")
        out.table("bias", f"b{short}", f"{layer}attention.self.{long}.bias", (width,), indent="  ")
        out.add(f"  layer {short} = dense(x, W{short}, b{short})")
    out.add(f"  layer mixed = attention(q, k, v, heads={heads}, scale=sqrt)")
    out.table("weights", "Wo", f"{layer}attention.output.dense.weight", (width, width), "out×in", "  ")
    out.table("bias", "bo", f"{layer}attention.output.dense.bias", (width,), indent="  ")
    out.add("  layer projected = dense(mixed, Wo, bo)", "  layer attended = add(x, projected)")
    out.table("vector", "ln1_scale", f"{layer}attention.output.LayerNorm.weight", (width,), indent="  ")
    out.table("vector", "ln1_shift", f"{layer}attention.output.LayerNorm.bias", (width,), indent="  ")
    out.add(f"  layer normed = layer_norm(attended, ln1_scale, ln1_shift, eps={eps})", "",
            "  # the feed-forward network, added to its input, then layer norm")
    out.table("weights", "W1", f"{layer}intermediate.dense.weight", (inner, width), "out×in", "  ")
    out.table("bias", "b1", f"{layer}intermediate.dense.bias", (inner,), indent="  ")
    out.add("  layer up = dense(normed, W1, b1)", f"  layer active = {activation}(up)")
    out.table("weights", "W2", f"{layer}output.dense.weight", (width, inner), "out×in", "  ")
    out.table("bias", "b2", f"{layer}output.dense.bias", (width,), indent="  ")
    out.add("  layer down = dense(active, W2, b2)", "  layer summed = add(normed, down)")
    out.table("vector", "ln2_scale", f"{layer}output.LayerNorm.weight", (width,), indent="  ")
    out.table("vector", "ln2_shift", f"{layer}output.LayerNorm.bias", (width,), indent="  ")
    out.add(f"  layer x = layer_norm(summed, ln2_scale, ln2_shift, eps={eps})")


def _modules(folder: Folder) -> bool:
    """True when a Normalize module follows the pooling; anything but Transformer → mean Pooling is refused."""
    modules = folder.json("modules.json") or []
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules if isinstance(m, dict)]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise ModelImportError(f"the sentence-transformers modules of {folder.path} are {', '.join(kinds) or 'none'}",
                               code="NS954", hint="netspec imports Transformer → Pooling (mean) → Normalize")
    pooling = next(m for m in modules if str(m.get("type", "")).endswith("Pooling"))
    settings = folder.json(f"{pooling.get('path', '1_Pooling')}/config.json") or {}
    modes = [key for key, on in settings.items() if key.startswith("pooling_mode_") and on]
    if isinstance(settings.get("pooling_mode"), str):  # sentence-transformers 5 and later write the mode's name
        modes = [f"pooling_mode_{settings['pooling_mode']}_tokens"]
    if modes != ["pooling_mode_mean_tokens"]:
        raise ModelImportError(f"the pooling of {folder.path} is {', '.join(modes) or 'none'}", code="NS954",
                               hint="netspec imports mean pooling (pooling_mode_mean_tokens), the form of "
                                    "all-MiniLM-L6-v2 and most sentence embedders")
    return "Normalize" in kinds


def _activation(config: dict) -> str:
    found = config.get("hidden_act", "gelu")
    problems = [f"hidden_act = {found!r}"] if found not in ACTIVATIONS else []
    if config.get("position_embedding_type", "absolute") != "absolute":
        problems.append(f"position_embedding_type = {config['position_embedding_type']!r}")
    if problems:
        raise ModelImportError(f"this BERT has settings netspec does not import: {', '.join(problems)}",
                               code="NS954", hint=f"netspec imports absolute positions and {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[found]


def _length(folder: Folder, tokens: int | None, context: int) -> int:
    """--tokens, else sentence-transformers' max_seq_length, else the position table's rows."""
    limit = (folder.json("sentence_bert_config.json") or {}).get("max_seq_length") or context
    limit = min(int(limit), context)
    if tokens is not None and not 1 <= tokens <= context:
        raise ModelImportError(f"--tokens {tokens}: the model reads 1 to {context} tokens", code="NS956",
                               hint=f"give a length from 1 to {context} (its position table's rows)")
    return tokens or limit

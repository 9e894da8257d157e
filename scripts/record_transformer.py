"""PyTorch in, specs/weights/transformer*.safetensors and tests/reference/models/transformer.npz out.

    pip install torch==2.13.0 safetensors     # recording tools, never dependencies of netspec
    python scripts/record_transformer.py

The article's last architecture (notes §1.15, examples 22 and 23): an encoder–decoder
transformer, post-norm, as `torch.nn.Transformer` builds it (norm_first=False), with 8
features, 2 heads of 4, 2 encoder and 2 decoder layers and a feed-forward network of 16.
Around it: an nn.Embedding for each language, the paper's sinusoidal positional encoding
(positions from 0) added to both, and a Linear head to the English words, then softmax.

Two models are trained, seeded, on two sentence pairs ("wo wohnst du ?" → "where do you
live ?", "wer bist du ?" → "who are you ?"), next word at every position of the English:
  paper    the feed-forward network of Vaswani et al.: max(0, x·W1 + b1)·W2 + b2
           (nn.Transformer's own layers), for specs/transformer.net;
  article  the article's: "two linear layers, each followed by a ReLU … and a dropout
           layer" (the layers' _ff_block rewritten), for specs/transformer_article.net.
Each is trained with dropout 0.1 (the paper's P_drop) and recorded in a model built with
dropout 0, float64, from the same weights. The weights are saved under PyTorch's own
names (nn.Linear keeps a row per output neuron: the specs say `layout out×in`); the
reference holds, for every prefix of both English sentences, the token numbers (counted
from 1, as the specs' vocabularies; 0 is padding), the encoder's output (`memory`), the
decoder's output at every position, and the next-word probabilities at the last one.
Rerunning the script writes the same numbers.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GERMAN = ["wo", "wer", "wohnst", "bist", "du", "?"]
ENGLISH = ["<s>", "where", "who", "do", "are", "you", "live", "?"]
PAIRS = [("wo wohnst du ?", "where do you live ?"), ("wer bist du ?", "who are you ?")]
WIDTH, HEADS, LAYERS, FFN, LONGEST = 8, 2, 2, 16, 5  # LONGEST: the English so far, <s> included


def positional_encoding(n: int) -> np.ndarray:
    """Vaswani et al.: sin(p / 10000^(2k/d)) at feature 2k, cos at 2k + 1, positions from 0."""
    p = np.arange(n, dtype=np.float64)[:, None]
    angle = p / 10000.0 ** (2 * (np.arange(WIDTH) // 2) / WIDTH)
    return np.where(np.arange(WIDTH) % 2 == 0, np.sin(angle), np.cos(angle))


def build(torch, form: str, dropout: float):
    nn, F = torch.nn, torch.nn.functional

    class ArticleEncoderLayer(nn.TransformerEncoderLayer):
        def _ff_block(self, x):  # linear → ReLU → dropout → linear → ReLU → dropout
            return self.dropout2(F.relu(self.linear2(self.dropout(F.relu(self.linear1(x))))))

    class ArticleDecoderLayer(nn.TransformerDecoderLayer):
        def _ff_block(self, x):
            return self.dropout3(F.relu(self.linear2(self.dropout(F.relu(self.linear1(x))))))

    class Translator(nn.Module):
        def __init__(self):
            super().__init__()
            self.source_embedding = nn.Embedding(len(GERMAN), WIDTH)
            self.target_embedding = nn.Embedding(len(ENGLISH), WIDTH)
            sizes = dict(d_model=WIDTH, nhead=HEADS, dim_feedforward=FFN, dropout=dropout)
            custom = {}
            if form == "article":
                custom = dict(custom_encoder=nn.TransformerEncoder(ArticleEncoderLayer(**sizes), LAYERS,
                                                                   norm=nn.LayerNorm(WIDTH), enable_nested_tensor=False),
                              custom_decoder=nn.TransformerDecoder(ArticleDecoderLayer(**sizes), LAYERS,
                                                                   norm=nn.LayerNorm(WIDTH)))
            self.transformer = nn.Transformer(num_encoder_layers=LAYERS, num_decoder_layers=LAYERS,
                                              norm_first=False, **sizes, **custom)
            self.generator = nn.Linear(WIDTH, len(ENGLISH))

        def encode(self, source):  # (batch, n) → (n, batch, d): nn.Transformer is sequence-first
            x = self.source_embedding(source) + torch.from_numpy(positional_encoding(source.shape[1]))
            return self.transformer.encoder(x.transpose(0, 1))

        def decode(self, memory, target):
            n = target.shape[1]
            y = self.target_embedding(target) + torch.from_numpy(positional_encoding(n))
            mask = nn.Transformer.generate_square_subsequent_mask(n, dtype=torch.float64)
            return self.transformer.decoder(y.transpose(0, 1), memory, tgt_mask=mask, tgt_is_causal=True)

        def forward(self, source, target):
            return self.generator(self.decode(self.encode(source), target)).transpose(0, 1)

    return Translator()


def ids(words: str, vocabulary: list[str]) -> list[int]:
    return [vocabulary.index(word) for word in words.split()]


def train(torch, model) -> float:
    source = torch.tensor([ids(g, GERMAN) for g, _ in PAIRS])
    english = [ids("<s> " + e, ENGLISH) for _, e in PAIRS]
    loss_fn = torch.nn.CrossEntropyLoss()
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(300):
        loss = sum(loss_fn(model(source[i:i + 1], torch.tensor([e[:-1]]))[0], torch.tensor(e[1:]))
                   for i, e in enumerate(english))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return float(loss.detach())


def cases() -> list[tuple[list[int], list[int]]]:
    """Every prefix of each English sentence, from <s> alone to all but its last word, with its German."""
    found = []
    for german, english in PAIRS:
        words = ids("<s> " + english, ENGLISH)
        found += [(ids(german, GERMAN), words[:n]) for n in range(1, len(words))]
    return found


def record(torch, model) -> dict[str, np.ndarray]:
    """Per case: the token numbers (from 1; 0 pads the English to LONGEST), memory, the decoder's output
    (0 at padding) and the next word's probabilities."""
    found = {"source": [], "target": [], "length": [], "memory": [], "decoded": [], "probabilities": []}
    model.eval()
    with torch.no_grad():
        for source, target in cases():
            memory = model.encode(torch.tensor([source]))
            decoded = model.decode(memory, torch.tensor([target]))[:, 0, :].numpy()
            logits = model.generator(torch.from_numpy(decoded[-1]))
            padded = np.zeros((LONGEST, WIDTH))
            padded[:len(target)] = decoded
            found["source"].append(np.array(source) + 1.0)
            found["target"].append(np.array(target + [-1] * (LONGEST - len(target))) + 1.0)
            found["length"].append(len(target))
            found["memory"].append(memory[:, 0, :].numpy())
            found["decoded"].append(padded)
            found["probabilities"].append(torch.softmax(logits, dim=-1).numpy())
    return {key: np.array(value, dtype=np.float64) for key, value in found.items()}


def make(torch, form: str):
    """Train with dropout 0.1, then the same weights in a model with dropout 0 for the record."""
    torch.manual_seed(12)
    trained = build(torch, form, dropout=0.1)
    loss = train(torch, trained)
    model = build(torch, form, dropout=0.0)
    model.load_state_dict(trained.state_dict())
    reference = record(torch, model)
    wanted = np.array([ENGLISH.index(("<s> " + e).split()[n]) for _, e in PAIRS
                       for n in range(1, len(("<s> " + e).split()))])
    right = int((reference["probabilities"].argmax(axis=1) == wanted).sum())
    print(f"{form}: loss {loss:.5f}; {right} of {len(wanted)} next words right")
    return model, reference, right == len(wanted)


def main() -> int:
    try:
        import torch
        from safetensors.torch import save_file
    except ImportError:
        print("record_transformer.py needs torch and safetensors: pip install torch==2.13.0 safetensors", file=sys.stderr)
        return 1
    torch.set_default_dtype(torch.float64)
    torch.backends.mha.set_fastpath_enabled(False)  # the layers' Python path: _ff_block is what runs
    warnings.filterwarnings("ignore", message="enable_nested_tensor is True")  # batch_first=False: no nested tensors
    references, ok = {}, True
    for form, file in (("paper", "transformer"), ("article", "transformer_article")):
        model, reference, right = make(torch, form)
        ok &= right
        state = {key: value.detach().contiguous() for key, value in model.state_dict().items()}
        save_file(state, str(ROOT / "specs" / "weights" / f"{file}.safetensors"), metadata={"format": "pt"})
        references.update({f"{form}_{key}": value for key, value in reference.items()})
    np.savez(ROOT / "tests" / "reference" / "models" / "transformer.npz", **references)
    print("wrote specs/weights/transformer.safetensors, specs/weights/transformer_article.safetensors "
          "and tests/reference/models/transformer.npz")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

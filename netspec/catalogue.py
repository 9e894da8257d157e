"""Nothing in, the error catalogue out: every error netspec reports, with its stable code.

A code never changes meaning once released, so a teacher's notes or a forum answer that
cites `NS203` stays right. The catalogue in docs/errors.md is generated from this table
(scripts/update_readme.py), and tests/test_catalogue.py triggers every code.
"""

from __future__ import annotations
from netspec.records import record



@record
class Entry:
    code: str
    title: str
    fix: str


CATALOGUE = (
    # ---- reading the spec: NS1xx ----
    Entry("NS101", "a character that has no place in a spec", "remove it, or put it inside quotes or after `#`"),
    Entry("NS102", "a word or symbol where the spec needs something else", "follow the hint: it says what fits there"),
    Entry("NS103", "the file ends in the middle of a statement", "finish the statement, e.g. close a `(`"),
    Entry("NS104", "a quote that is not closed on its line", 'add the closing `"`'),
    Entry("NS105", "a `repeat` block without its `end`", "write `end` on its own line after the block's last statement"),
    Entry("NS106", "a digit that is not one of 0-9 (such as ৪ or ３)", "write numbers with the digits 0 to 9"),
    Entry("NS110", "the spec file cannot be read (missing, a folder, a device or pipe, unreadable)",
          "check the path: a spec is a regular .net file"),
    Entry("NS111", "the spec file is larger than 16 MiB, or holds more than 1,000,000 words and numbers", "keep large weights in a weight file"),
    Entry("NS112", "the spec file is not UTF-8 text", "save it as UTF-8 plain text"),
    # ---- checking names, shapes and meanings: NS2xx ----
    Entry("NS201", "an unknown name: value, weights, bias, input, output or decision", "use a declared name; see the hint"),
    Entry("NS202", "an unknown operation", "use one of the operations in the language reference"),
    Entry("NS203", "a name, label or example declared twice", "give each its own name"),
    Entry("NS204", "shape mismatch: a table's rows do not fit the value it reads", "one row per neuron of that value"),
    Entry("NS205", "a table's labels do not name the neurons it connects", "label rows (and bias columns) as the hint says"),
    Entry("NS206", "a table row with the wrong count of numbers, no label, or a bias with several rows",
          "one number under each column label; label weight rows"),
    Entry("NS207", "an operation given the wrong arguments", "write it as the hint shows"),
    Entry("NS208", "a name used before it is declared, or a layer that uses itself", "declare it above its use"),
    Entry("NS209", "a decision rule that does not fit the outputs", "`decide largest` for several outputs, the sign rule for one"),
    Entry("NS210", "an example without a value for every input", "give every input a number"),
    Entry("NS228", "an example without `-> DECISION` in a spec that decides, or with one in a spec that decides nothing",
          "`-> DECISION` when the spec decides; only `expect` numbers after `decide nothing`"),
    Entry("NS211", "an example value outside its input's range", "use a value inside the range, or widen the range"),
    Entry("NS212", "a range that runs backwards", "write `range LOW to HIGH`"),
    Entry("NS213", "`use` of a missing file or one outside the folder, a circle of uses, a chain of uses more than 32 "
          "specs deep, or more than one `use`", "point `use` at one other spec in the same folder"),
    Entry("NS214", "a spec with no inputs or no layers", "declare inputs and at least one layer"),
    Entry("NS215", "an unknown {placeholder} in the `say` sentence", "only {decision} is filled in"),
    Entry("NS216", "two inputs with one name, or `as` where nothing is reused", "give each input its own name"),
    Entry("NS217", "a wrong number of output labels", "one label per output neuron"),
    Entry("NS220", "a number in the spec too large for float64 (over about 1.8e308)", "write a smaller number"),
    Entry("NS224", "a vocabulary numbered from past 2**53, where float64 cannot tell its tokens' numbers apart",
          "write `numbered from 0` or `numbered from 1`"),
    Entry("NS221", "a repeat count that is not a whole number of at least 1", "write it like `repeat 3 times:`"),
    Entry("NS222", "a statement that cannot stand inside a repeat (input, output, decide, example, another repeat, …)",
          "a repeat's body holds layers, weights, biases and vectors; move the rest out"),
    Entry("NS223", "a spec whose layers, or what its repeats write out, are more steps or tables than the limit "
          "(2,000 each by default)", "repeat fewer times, or raise the limit with --max-steps"),
    Entry("NS218", "add(x, y) of two values whose neurons differ", "add values with the same neurons"),
    Entry("NS240", "a sequence operation given values of the wrong shape (q, k and v; heads; concat; positions)",
          "follow the hint: it names the shapes that fit"),
    Entry("NS241", "split or features asked for parts a value does not have: unequal parts, no part named, a part "
          "past the last, or a line that names more values than it makes", "`layer q, k, v = split(qkv, 3)`: one name per part"),
    Entry("NS219", "a vocabulary that is empty, lists a token twice or is not numbered by a whole number; "
          "a text input whose length is not a whole number", "list each token once; write `numbered from 1`"),
    Entry("NS226", "a layer whose one row would take more memory than the limit (attention over a long text: "
          "queries × keys scores), or whose neurons' names would", "shorten the sequence, or raise it with --max-memory"),
    Entry("NS225", "a `say` sentence that, filled in, is longer than a whole printout may be",
          "write {decision} fewer times, or raise the limit with --max-printout"),
    Entry("NS227", "a table made from another wrongly: transpose of a bias, columns or rows past the table's edge, "
          "an unknown table function", "write transpose(T), columns(T, FIRST, LAST) or rows(T, FIRST, LAST), counted from 1"),
    Entry("NS230", "a sub-word piece that can never match: empty, or with a space in it", 'write pieces like "cat" or "##s"'),
    # ---- input values: NS3xx ----
    Entry("NS301", "an input that is not a number", "write plain decimals like 11.2 or -0.5"),
    Entry("NS302", "NaN or infinity given as an input", "give an ordinary number"),
    Entry("NS303", "a number too large for float64 (over about 1.8e308)", "use a smaller number"),
    Entry("NS304", "an input value outside its declared range", "use a value inside the range"),
    Entry("NS305", "`--input` names an input the spec does not have", "use one of the spec's input names"),
    Entry("NS306", "inputs missing from `--input`", "give every input once"),
    Entry("NS307", "an input given twice", "give it once"),
    Entry("NS308", "a CSV header with missing, unknown or repeated columns", "name exactly the inputs, once each"),
    Entry("NS309", "a CSV row with the wrong number of cells, or broken quoting", "one cell per column"),
    Entry("NS310", "an empty CSV file, or one with a header only", "add a header and rows of numbers"),
    Entry("NS311", "a CSV file that cannot be read or is not UTF-8", "check the path; save it as UTF-8"),
    Entry("NS321", "a CSV line longer than 4 MiB characters, or with more than 100,000 cells",
          "one row of numbers a line, one column per input"),
    Entry("NS322", "an answers file for `netspec grade` that cannot be read, lacks a box or answer column, "
                   "or names a box or sheet the worksheet does not have", "write a header box,answer and one line per box"),
    Entry("NS323", "`--variants` for a spec whose inputs are words, or more worksheets than 200",
          "give the words with --input, or ask for fewer sheets"),
    Entry("NS312", "no examples to run, or no example of that name", "add an `example` line, or give inputs"),
    Entry("NS313", "`--row` beyond the end of the CSV file", "pick a row the file has"),
    Entry("NS314", "`--focus` names no value, neuron or weight", "use an address the hint suggests"),
    Entry("NS315", "an `--input` that is not NAME=VALUE", "write it like R=32"),
    Entry("NS318", "rows handed in from Python with the wrong number of columns", "one number per input, per row"),
    Entry("NS324", "`--set` or with_weight names a weight, bias or input the spec does not have, or no number",
          "use a name the hint suggests, and a plain decimal"),
    Entry("NS320", "an input written with a digit that is not one of 0-9 (such as ３ or ৪)",
          "write numbers with the digits 0 to 9"),
    Entry("NS316", "a text with a character or word that is not in its vocabulary", "use only the vocabulary's tokens"),
    Entry("NS317", "a text of the wrong length for its input", "give exactly as many tokens as the input takes"),
    Entry("NS319", "a word that the pieces of a sub-word vocabulary cannot spell, when it has no [UNK]",
          "add the missing piece, or [UNK]"),
    # ---- weight files: NS4xx ----
    Entry("NS401", "a weight file that does not exist or is not a regular file", "the path is relative to the spec's folder"),
    Entry("NS402", "a weight file outside the spec's folder", "move it into the folder, or pass --allow-outside"),
    Entry("NS403", "a pickle, which netspec never loads", "save weights with numpy.save, numpy.savez or safetensors"),
    Entry("NS404", "a file whose bytes are not the format its name says", "rename it, or save it again"),
    Entry("NS405", "a damaged .npy, .npz or .safetensors header", "save the file again"),
    Entry("NS406", "numbers that are not floating point, or Fortran order", "save float16, bfloat16, float32 or float64, C order"),
    Entry("NS407", "a tensor whose shape does not fit its declaration", "fix the `shape`, or the file"),
    Entry("NS408", "a truncated weight file", "copy or save the file again"),
    Entry("NS409", "tensors larger than the memory limit", "raise it with --max-memory"),
    Entry("NS410", "no array of that key, or several arrays and no key", "name the array with `key`"),
    Entry("NS411", "a weight file that holds NaN or infinity", "save the weights again from finite numbers"),
    Entry("NS412", "a vocabulary file that does not exist, is not a regular file or cannot be read",
          "the path is relative to the spec's folder"),
    Entry("NS413", "a vocabulary file outside the spec's folder", "move it into the folder, or pass --allow-outside"),
    Entry("NS414", "a vocabulary file that is too large (16 MiB, a million tokens) or not UTF-8 text",
          "save one token a line, as UTF-8"),
    Entry("NS415", "a vocabulary file that is empty, has a blank line or a token with a space, or lists a token twice",
          "one token a line, each once"),
    Entry("NS418", "a pretrained BERT model's vocab.txt read by the article's sub-word tokenizer, which would number "
          "its text wrongly", 'declare the model\'s tokenizer.json: `vocabulary tokens subwords from "tokenizer.json"`'),
    Entry("NS419", "a tokenizer.json that Hugging Face's `tokenizers` cannot read, or that library not installed",
          "give the tokenizer.json saved with the model; pip install 'netspec-worked[models]'"),
    Entry("NS420", "a PyTorch checkpoint (torch.save's zip, which holds a pickle)",
          "convert it to .safetensors with safetensors.torch.save_file"),
    Entry("NS416", "a weight file whose header is longer than netspec reads (16 MiB for .safetensors, 100 kB for .npy, "
          "4 MiB for an .npz's directory)",
          "save the file again with numpy or safetensors"),
    Entry("NS417", "a square weight from a PyTorch file with no `layout`, or a layout that makes no sense",
          "end its line with `layout out×in` (nn.Linear) or `layout in×out` (GPT-2's Conv1D)"),
    # ---- computing: NS5xx ----
    Entry("NS501", "NaN or infinity appeared inside the network", "check the inputs and weights at the step named"),
    Entry("NS502", "divide_by_sum given a negative number", "use softmax, which takes any numbers"),
    Entry("NS503", "layer_norm of equal numbers with eps=0: the variance is 0", "state an eps, like eps=1e-5"),
    Entry("NS504", "a token number that is no entry of the vocabulary (from Python)", "give the text, not numbers"),
    Entry("NS505", "running, tracing or printing that many rows at once would take more memory than the limit",
          "give fewer rows, or raise it with --max-memory"),
    Entry("NS506", "a float32 plan of a spec with a number float32 cannot hold (over about 3.4e38)",
          "compute in float64: --dtype float64"),
    # ---- examples and output: NS6xx, NS7xx ----
    Entry("NS601", "an example gave another answer", "fix the weights, or the example"),
    Entry("NS701", "the output file cannot be written, or is read-only", "check the folder exists and is writable"),
    Entry("NS702", "`-o` names a file the command reads: the spec, a spec it uses, a weight, vocabulary or CSV file",
          "write the output to another file"),
    Entry("NS703", "a printout (trace, drawing, results) that would be larger than the limit, 50 MB by default",
          "fewer rows, --focus or --detail summary; or raise it with --max-printout"),
    Entry("NS704", "`netspec examples DIR` where DIR already has a file of the same name as an example",
          "name a new or empty folder, or move those files away first"),
    # ---- generating text: NS8xx ----
    Entry("NS801", "`generate` with a spec that does not take exactly one text input, and nothing else",
          "declare one `input text … tokens N from VOCABULARY`"),
    Entry("NS802", "`generate` with outputs that are not one per token of the text's vocabulary",
          "write `output out labels from VOCABULARY`"),
    Entry("NS803", "generation settings out of range (from Python): steps, temperature or seed",
          "steps 1 to 10,000; temperature above 0; seed a whole number, 0 or more"),
    Entry("NS804", "`generate` whose steps would do more operations than the limit (100 billion, some five minutes, by default)",
          "fewer steps, or raise it with --max-operations"),
    Entry("NS805", "`generate` on a real model whose operations cannot run a token at a time (attention without "
          "mask=causal, a dense layer over the whole sequence)", "give a language model: causal attention, layers at "
          "each position"),
    # ---- training: NS9xx ----
    Entry("NS901", "training data without targets: no `label` column and not one column per output",
          "add a `label` column, or one column named after each output"),
    Entry("NS902", "a training `label` that is not one of the decision's labels", "use a label the spec decides"),
    Entry("NS903", "the loss became NaN or infinity while training (it diverged)", "lower --lr, or start from other weights"),
    Entry("NS904", "a training setting that does not fit the spec: --freeze of no table, nothing left to train, "
          "a loss that needs probabilities", "name a table the spec declares; see the hint"),
    Entry("NS905", "trained numbers that cannot be written back: a table of another spec (`use`)",
          "--freeze that table, or copy the network into the spec"),
    # ---- importing a model: NS95x ----
    Entry("NS952", "a model folder without config.json, model.safetensors or tokenizer.json, or one that cannot be read",
          "save the model with save_pretrained (safe_serialization=True)"),
    Entry("NS953", "model.safetensors lacks a tensor its config.json implies", "save the model again with save_pretrained"),
    Entry("NS954", "an architecture or setting netspec does not import", "GPT-2 (GPT2LMHeadModel) and BERT sentence "
          "embedders (sentence-transformers) are imported"),
    Entry("NS955", "`netspec import -o` outside the model's folder, where the spec could not read its files",
          "write the spec inside the model's folder or above it"),
    Entry("NS956", "`netspec import --tokens` longer than the model's context", "give at most its position table's rows"),
    # ---- ONNX in and out: NS96x ----
    Entry("NS960", "`export` of a spec with an operation that has no ONNX form", "run that spec with netspec"),
    Entry("NS961", "`export` or `import` of ONNX without the onnx package installed", "pip install onnx"),
    Entry("NS962", "`import` of an ONNX model that is not a chain of dense layers and activations (the hint lists "
          "the node types read)", "write the spec by hand, or export a plain multi-layer perceptron"),
    Entry("NS963", "`import` of an .onnx file that is missing or is not a readable ONNX model", "export the model again"),
    Entry("NS964", "`import` of a path that is neither an .onnx file nor a model folder; a folder while "
          "Hugging Face import is not there", "export the model with torch.onnx.export and import the .onnx file"),
)

CODES = {entry.code: entry for entry in CATALOGUE}

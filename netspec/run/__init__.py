"""Running: a CheckedSpec and rows in, numbers and decisions out.

plan (NumPy steps), runner (the only caller of kernels: fast for batches, exact for what
a person reads), trace (every intermediate number, for the printouts), decision, inputs,
fields and csvinput (rows from --input, examples and CSV), batch (a CSV of any size, in
chunks), examples (a spec's own examples checked), generation (text, token by token).
"""

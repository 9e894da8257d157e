"""Other tools' formats in and out: ONNX export and import, and the `import` command's dispatch.

onnx and onnxruntime are optional: every module here imports them inside its functions, so
netspec runs without them and says how to install them when they are needed.
"""

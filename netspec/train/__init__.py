"""Training: a spec's weights moved, step by step, to lower a loss on rows of data.

backward.py differentiates the plan (each operation's own `OpDef.gradient`), losses.py
and optimizers.py are the loss and the update, data.py reads the training rows, trainer.py
runs the epochs, writeback.py writes the trained spec, nudge.py checks the gradients the
article's way, and steptrace.py lays out one training step for the printouts.
"""

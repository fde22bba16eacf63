"""The issue classifier: issue text -> bug / feature / question, pure Python.

Below the router (``foreman.routing.classifier`` asks it for a label and abstains when
unsure); it never imports the router, the workers or the gate. One job per module:

- :mod:`.terms` (with :mod:`.phrases`): issue text -> counted terms, per block;
- :mod:`.vocabulary`: which terms are features; :mod:`.scoring`: the weighted vector and
  the dot products a prediction needs;
- :mod:`.model`: the model type, class probabilities, the model file (load / save);
- :mod:`.explain`: why a prediction, in words;
- :mod:`.train`: fitting; :mod:`.evaluate`: macro-F1, coverage at a precision, CV;
  :mod:`.rows`: labelled issues from a CSV; :mod:`.eval_csv`: ``foreman eval-router``;
- :mod:`.corpus`: the shipped training data; :mod:`.adapt`: a repository's own fit and
  threshold;
- :mod:`.collect` and :mod:`.feedback`: labelled issues read from GitHub, and whose labels
  count; :mod:`.learn` and :mod:`.learn_job`: ``foreman learn`` and ``learn --combine``;
- :mod:`.learned`: the checks on the learn job's cached model.

How the settings were chosen, with the numbers: docs/classifier.md.
"""

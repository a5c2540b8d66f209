"""Explainable early warning of persistent absence (issue 5): who is likely to end the year persistently absent.

* ``features``: vectorised features from a long marks table (synthetic or from the database);
* ``synthetic``: two consistent synthetic years (for last year's rate) from the demo generator;
* ``model``: one logistic regression per checkpoint in the year, reasons in plain words, evaluation;
* ``store``: versioned joblib files under VAR_DIR/models/early_warning/;
* ``db``: per-school prediction with set-based queries.

The default model is trained on synthetic data only (see docs/alerts.md, "Early warning"); retrain it with
``attend early_warning train``.
"""

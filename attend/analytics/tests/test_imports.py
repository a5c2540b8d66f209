"""The DuckDB path and the web app never import pyspark; analytics never imports Django."""

from __future__ import annotations

import subprocess
import sys


def test_analytics_imports_neither_pyspark_nor_django():
    code = (
        "import sys, attend.analytics.measures, attend.analytics.reports, attend.analytics.engine, "
        "attend.analytics.store, attend.analytics.definitions; "
        "assert 'pyspark' not in sys.modules, 'pyspark'; assert 'django' not in sys.modules, 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_stats_package_is_pure_at_import():
    code = (
        "import sys, attend.stats; from attend.stats import measures_from_counts; "
        "assert measures_from_counts({'/': 1, 'I': 1})['overall_absence_perc'] == 50.0; "
        "assert 'django.db' not in sys.modules and 'pyspark' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

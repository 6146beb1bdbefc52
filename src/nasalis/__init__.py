"""nasalis: assess, track, measure and understand nose and facial twitching."""

import os

# The statistics solve many small systems, often in several server threads at once; OpenBLAS's
# own threads then only fight over the cores (bench/insights_bench.py: 10 years x 30 factors
# took 16 s with them on this 2-core machine, 0.85 s without). Set before numpy loads OpenBLAS;
# a value the operator set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"

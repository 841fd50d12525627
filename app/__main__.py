"""``python -m app``: the operator commands of app.cli."""

import sys

from app.ops.cli import main

sys.exit(main())

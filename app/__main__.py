"""``python -m app``: the operator commands of app.cli; ``serve`` without their imports."""

import sys

if sys.argv[1:2] == ["serve"]:
    from app.ops.serve import main as serve

    sys.exit(serve(sys.argv[2:]))

from app.ops.cli import main

sys.exit(main())

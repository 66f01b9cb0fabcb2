import sys

from etown.cli import main

sys.exit(main())

import sys

from fleetkit.cli import main

sys.exit(main())

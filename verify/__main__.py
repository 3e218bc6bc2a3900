import sys

from verify.commands.cli import main

sys.exit(main())

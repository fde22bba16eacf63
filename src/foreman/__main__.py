from __future__ import annotations

from foreman.cli import main

raise SystemExit(main())

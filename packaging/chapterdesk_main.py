"""The bundled application's entry point (PyInstaller freezes this script).

The same as the `chapterdesk` console script: the command line, or the window
when no command is given.
"""

from chapterdesk.__main__ import main

if __name__ == "__main__":
    main()

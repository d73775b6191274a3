"""``python -m redline`` and the ``redline`` command: the CLI, started with the cyclic garbage
collector paused.

Starting a command imports typer, pydantic and the record models, and for ``annotate``
Textual: a great many objects that live as long as the process. The collector would walk them
all again at each full collection while they are being made (a tenth of a second of
``annotate``'s start). It is paused before the first import, and resumed, with what was
imported frozen out of its sight, as the command starts its work
(:func:`redline.cli.lazy.load_command`).

Pydantic's plugins are switched off unless the user says otherwise
(``PYDANTIC_DISABLE_PLUGINS``): looking for them scans the entry points of every installed
package when the first validator is built, ~10 ms of each command on a machine with spaCy
and Textual installed, for plugins (tracing user code) that have nothing to trace here.
"""

import gc
import os


def run() -> None:
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from redline.cli import main

    main()


if __name__ == "__main__":
    run()

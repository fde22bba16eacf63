"""Workers: narrow specialists that turn one task into a result bundle.

Pipeline of a run (:func:`foreman.workers.run.run_task`): snapshot the
checkout, resolve the worker (:mod:`foreman.workers.registry`), let it work
inside its fence (:mod:`~foreman.workers.fence`, :mod:`~foreman.workers.tools`,
:mod:`~foreman.workers.sandbox`), diff, review, and write the bundle
(:mod:`~foreman.workers.bundle`). Workers never talk to GitHub. Importing this
package imports nothing heavy (``anthropic`` is loaded only for model calls).
"""

"""Play / Pause for a ``TrainingSession``: a daemon thread that trains in short chunks while playing.

Each chunk holds the session's lock for about ``chunk_seconds`` and then lets go for a moment, so
requests for the state (the page's frames) get in between chunks instead of waiting for a long run.
"""

from __future__ import annotations

import threading
import time

from .playground_session import TrainingSession


class Player:
    """Trains ``session`` in the background between ``play()`` and ``pause()``; ``close()`` ends the thread.

    >>> session = TrainingSession({"points": 40, "hidden": [2]})
    >>> player = Player(session); player.play()
    >>> deadline = time.time() + 10
    >>> while session.state(pictures=False)["step"] < 3 and time.time() < deadline: time.sleep(0.01)
    >>> player.close(); session.state(pictures=False)["step"] >= 3
    True
    """

    def __init__(self, session: TrainingSession, chunk_seconds: float = 0.02) -> None:
        self.session = session
        self.chunk_seconds = chunk_seconds
        self._playing = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def playing(self) -> bool:
        """True while the thread trains (it stops by itself when training diverges)."""
        return self._playing.is_set()

    def play(self) -> None:
        """Start (or keep) training in the background."""
        if self._closed.is_set():
            raise RuntimeError("this player is closed")
        self._playing.set()
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="playground-trainer", daemon=True)
            self._thread.start()

    def pause(self) -> None:
        """Stop after the current chunk (at most ``chunk_seconds``)."""
        self._playing.clear()

    def close(self) -> None:
        """Pause and end the thread, waiting for it."""
        self._closed.set()
        self._playing.set()  # wake the loop so it sees it is closed
        if self._thread is not None:
            self._thread.join()
        self._playing.clear()

    def _loop(self) -> None:
        while not self._closed.is_set():
            self._playing.wait()
            if self._closed.is_set():
                return
            self.session.train_for(self.chunk_seconds)
            if self.session.error:
                self._playing.clear()
            time.sleep(0.002)  # let a waiting request take the lock

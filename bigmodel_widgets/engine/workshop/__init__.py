"""Workshops: a class of students on one server, planned, prepared and checked.

- measure.py   a notebook's peak RSS and CPU seconds in a fresh kernel (nbclient + psutil)
- table.py     the measurements table (this server's, else the shipped measured_default.json)
- planner.py   RAM and cores for N students over chapters, per-user limit warnings
- prepare.py   build every cached model a class needs into one folder, then seal it read-only
- hub.py       a real JupyterHub on 127.0.0.1 (local spawning, a shared password) that cleans up
- students.py  a scripted student: login form, server, kernel websocket, notebook cells
- classroom.py N students running a notebook at once, memory sampled, one kernel killed
"""

__all__: list[str] = []

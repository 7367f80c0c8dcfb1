"""nbgrader configuration of the course; every path is relative to this folder."""

import os

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "learning-dynamics"
# nbgrader's exchange (release, collect, feedback): a folder every user may write to, made by
# `coursekit exchange setup` (mode 1777). COURSEKIT_EXCHANGE names another, e.g. a JupyterHub's shared volume.
c.Exchange.root = os.environ.get("COURSEKIT_EXCHANGE") or "/srv/nbgrader/exchange"
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True
c.ExecutePreprocessor.timeout = 300
c.ClearMetadataPreprocessor.enabled = False
# Translation catalogs (source/<assignment>/locale/<language>.po) are the instructors': never released.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "locale"]

# Course order of the assignments (coursekit): those named here first, then the others in
# alphabetical order of their source/ folders.
# c.CourseKit.order = ["deep_linear_networks", "depth_vs_width", "initialization", "learning_dynamics"]

# How long each cell of a submission may run under `coursekit grade` (coursekit): max(floor, factor x the
# time the reference solution's run of that cell took), never more than the timeout above. These are the
# defaults; a floor at or above the timeout gives every cell the timeout.
# c.CourseKit.cell_time_floor = 5
# c.CourseKit.cell_time_factor = 20

"""Shots: editing a shot and asking for its takes (`editing`), its frames and continuity
(`continuity`; reference images are checked in `studio.images`), and the shot editor's forms."""

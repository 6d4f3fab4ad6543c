"""Full screens, one a file: the course map, a lesson, practice, a quiz."""

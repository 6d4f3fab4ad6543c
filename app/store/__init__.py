"""The progress store (SQLite), split by job: profile paths (`paths`), schema and migrations
(`schema`), damage recovery (`recovery`), the query API (`queries`) and every profile read
at once for the teacher (`classroom`)."""

from app.store.paths import (
    DATA_DIR_ENV,
    DB_NAME,
    DEFAULT_PROFILE,
    PROFILE_MAX_CHARS,
    ProfileNameError,
    data_dir,
    db_path,
    validate_profile,
)
from app.store.queries import (
    PRACTICE_MAX_SCORE,
    ItemProgress,
    NotSaved,
    PracticeAttempt,
    ProgressStore,
    ProgressSummary,
    QuizAttempt,
    SectionCompletion,
    SectionProgress,
)
from app.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["DATA_DIR_ENV", "DB_NAME", "DEFAULT_PROFILE", "MIGRATIONS", "NotSaved",
           "PRACTICE_MAX_SCORE",
           "PROFILE_MAX_CHARS", "SCHEMA_VERSION", "ItemProgress", "PracticeAttempt",
           "ProfileNameError", "ProgressStore", "ProgressSummary", "QuizAttempt",
           "SectionCompletion", "SectionProgress", "data_dir", "db_path", "validate_profile"]

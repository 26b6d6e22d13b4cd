"""The knowledge articles' bigram vectors on PostgreSQL (knowledge.search): a trigger keeps
them for every write (services, the demo, bulk loads, raw SQL), two GIN indexes serve the
search box (all of an article) and the suggestions (title, keywords and summary of the
published ones). `longcheng_bigrams` is the matter search's function (loop 0013)."""

from django.db import migrations

COLUMNS = (
    "ALTER TABLE knowledge_article ADD COLUMN IF NOT EXISTS title_bigrams tsvector,"
    " ADD COLUMN IF NOT EXISTS head_bigrams tsvector,"
    " ADD COLUMN IF NOT EXISTS words_bigrams tsvector"
)

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION knowledge_article_bigrams() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.title_bigrams := longcheng_bigrams(NEW.title);
    NEW.head_bigrams := longcheng_bigrams(NEW.title || ' ' || NEW.keywords || ' ' || NEW.summary);
    NEW.words_bigrams := longcheng_bigrams(
        NEW.title || ' ' || NEW.keywords || ' ' || NEW.summary || ' ' || NEW.body
    );
    RETURN NEW;
END
$$
"""

TRIGGER = (
    "CREATE TRIGGER knowledge_article_bigrams BEFORE INSERT OR UPDATE OF title, keywords,"
    " summary, body ON knowledge_article FOR EACH ROW EXECUTE FUNCTION knowledge_article_bigrams()"
)

INDEXES = [
    "CREATE INDEX IF NOT EXISTS knowledge_words_idx ON knowledge_article USING gin (words_bigrams)",
    "CREATE INDEX IF NOT EXISTS knowledge_head_idx ON knowledge_article USING gin (head_bigrams)"
    " WHERE status = 'published'",
    # knowledge.search weighs a typed text's bigrams by the shares PostgreSQL lists.
    "ALTER TABLE knowledge_article ALTER COLUMN head_bigrams SET STATISTICS 400",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans (knowledge.search)
    schema_editor.execute(COLUMNS)
    schema_editor.execute(TRIGGER_FUNCTION)
    schema_editor.execute("DROP TRIGGER IF EXISTS knowledge_article_bigrams ON knowledge_article")
    schema_editor.execute(TRIGGER)
    # Rows written before the trigger: fill their vectors.
    schema_editor.execute("UPDATE knowledge_article SET title = title")
    for statement in INDEXES:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS knowledge_article_bigrams ON knowledge_article")
    schema_editor.execute("DROP FUNCTION IF EXISTS knowledge_article_bigrams()")
    schema_editor.execute(
        "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS title_bigrams,"
        " DROP COLUMN IF EXISTS head_bigrams, DROP COLUMN IF EXISTS words_bigrams"
    )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial"), ("loop", "0013_matter_words_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

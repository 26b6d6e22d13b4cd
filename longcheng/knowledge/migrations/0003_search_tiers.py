"""The search's tiers (knowledge.search.page_ids): the title's bigrams get an index of their
own, so the first tier (the words in the title) is found without reading the other hits, and
the articles an index newest first, so a common word's tier is walked until the page is full."""

from django.db import migrations, models

TITLE_INDEX = (
    "CREATE INDEX IF NOT EXISTS knowledge_title_idx ON knowledge_article USING gin (title_bigrams)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans (knowledge.search)
    schema_editor.execute(TITLE_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS knowledge_title_idx")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_article_bigrams")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-updated_at", "-id"], name="knowledge_updated_idx"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

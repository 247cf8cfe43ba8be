"""Clean every stored article body once: from now on Article.save() does it, and pages
serve the body as stored instead of cleaning it at every render."""

from django.db import migrations


def clean_bodies(apps, schema_editor):
    from articles.sanitize import sanitize_body

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body").iterator():
        clean = sanitize_body(article.body)
        if clean != article.body:
            Article.objects.filter(pk=article.pk).update(body=clean)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(clean_bodies, migrations.RunPython.noop, elidable=True)]

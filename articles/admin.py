"""The article admin: what recruiting staff use to write, preview, publish and restore."""

from django.contrib import admin, messages
from django.db.models import ManyToManyField
from django.forms import CheckboxSelectMultiple
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Author, PlacementFigure, Testimonial
from .services import (
    article_cache_clear,
    article_publish,
    article_unpublish,
    author_cache_clear,
    trust_blocks_cache_clear,
)


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ("title", "status", "publish_at", "updated_at", "is_live_display")
    list_filter = ("status", "publish_at", "updated_at")
    search_fields = ("title", "standfirst", "body", "author__name")
    list_select_related = ("author",)
    autocomplete_fields = ("author",)
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "publish_at"
    readonly_fields = ("preview_link", "created_at", "updated_at")
    actions = ("publish_selected", "unpublish_selected")
    formfield_overrides = {ManyToManyField: {"widget": CheckboxSelectMultiple}}  # eight signs
    fieldsets = (
        (None, {"fields": ("title", "slug", "standfirst", "body", "author")}),
        ("Publishing", {"fields": ("status", "publish_at", "preview_link", "promotes")}),
        ("Suggested to quiz-takers", {"fields": ("signs",)}),
        ("Images", {"fields": ("hero_image", "hero_image_alt", "social_image")}),
        ("Search engines", {"fields": ("meta_description",), "classes": ("collapse",)}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(boolean=True, description="live now")
    def is_live_display(self, obj: Article) -> bool:
        return obj.is_live

    @admin.display(description="preview")
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the article first, then preview it here."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview this article as visitors '
            "will see it</a> (opens in a new tab)",
            obj.get_preview_url(),
        )

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        article_cache_clear(article=obj, old_slug=old_slug)

    def delete_model(self, request, obj):
        article_cache_clear(article=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            article_cache_clear(article=article)
        super().delete_queryset(request, queryset)

    @admin.action(description="Publish the selected articles", permissions=["change"])
    def publish_selected(self, request, queryset):
        for article in queryset:
            article_publish(article=article)
        self.message_user(request, f"Published {len(queryset)} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected articles", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        for article in queryset:
            article_unpublish(article=article)
        self.message_user(request, f"Unpublished {len(queryset)} article(s).", messages.SUCCESS)


class ClearsPagesOnSave(admin.ModelAdmin):
    """Pages showing these rows are cached: every save and delete forgets them."""

    def pages_clear(self, objs) -> None:
        trust_blocks_cache_clear()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.pages_clear([obj])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.pages_clear([obj])

    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        super().delete_queryset(request, queryset)
        self.pages_clear(objs)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "has_photo")
    search_fields = ("name", "role")
    fields = ("name", "role", "photo", "photo_alt")

    @admin.display(boolean=True, description="photo")
    def has_photo(self, obj: Author) -> bool:
        return bool(obj.photo)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        author_cache_clear(author=obj)

    def delete_model(self, request, obj):
        articles = list(obj.articles.all())  # read before the delete unlinks them
        super().delete_model(request, obj)
        for article in articles:
            article_cache_clear(article=article)

    def delete_queryset(self, request, queryset):
        articles = list(Article.objects.filter(author__in=queryset))
        super().delete_queryset(request, queryset)
        for article in articles:
            article_cache_clear(article=article)


@admin.register(Testimonial)
class TestimonialAdmin(ClearsPagesOnSave):
    list_display = ("name", "role", "is_published", "order")
    list_editable = ("is_published", "order")
    list_filter = ("is_published",)
    search_fields = ("name", "role", "quote")
    fields = ("quote", "name", "role", "photo", "is_published", "order")


@admin.register(PlacementFigure)
class PlacementFigureAdmin(ClearsPagesOnSave):
    list_display = ("number", "label", "is_published", "order")
    list_editable = ("is_published", "order")
    list_filter = ("is_published",)
    fields = ("number", "label", "is_published", "order")

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, register_converter

from studio.api import api
from studio.views import (
    account,
    api_settings,
    assets,
    audit,
    campaigns,
    catalog,
    channels,
    deliver,
    deliverables,
    editor,
    guest_spots,
    health,
    hooks,
    market_versions,
    members,
    one_take,
    planning,
    providers,
    references,
    review,
    share,
    shots,
    spend,
    spots,
    sso,
    storyboard,
    takes,
    timelines,
    verify,
    versions,
)


class IdConverter:
    """A primary key in a URL: digits that fit a 64-bit column. A longer number is a 404, not
    an overflow deep in the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

shot_urls: list[URLPattern | URLResolver] = [
    path("", editor.shot_detail, name="shot_detail"),
    path("edit/", shots.shot_edit, name="shot_edit"),
    path("delete/", shots.shot_delete, name="shot_delete"),
    path("move/", shots.shot_move, name="shot_move"),
    path("save/", editor.shot_save, name="shot_save"),
    path("preview/", editor.shot_preview, name="shot_preview"),
    path("options/", editor.shot_options, name="shot_options"),
    path("timeline/", editor.shot_timeline, name="shot_timeline"),
    path("reference/", references.reference_upload, name="reference_upload"),
    path("reference/card/", references.reference_card, name="reference_card"),
    path("reference/fit/", references.reference_fit, name="reference_fit"),
    path("reference/remove/", references.reference_remove, name="reference_remove"),
    path("reference/<str:which>/", references.reference_file, name="reference_file"),
    path("frames/<str:source>/", references.frames_from, name="frames_from"),
    path("versions/", versions.version_list, name="version_list"),
    path("versions/<id:number>/", versions.version_compare, name="version_compare"),
    path("versions/<id:number>/restore/", versions.version_restore, name="version_restore"),
    path("template/", versions.template_apply, name="template_apply"),
    path("save-template/", versions.template_save, name="template_save"),
    path("generate/", editor.shot_generate, name="shot_generate"),
    path("takes/poll/", takes.takes_poll, name="takes_poll"),
]

member_urls: list[URLPattern | URLResolver] = [
    path("", members.member_list, name="member_list"),
    path("add/", members.member_add, name="member_add"),
    path("<id:membership_id>/role/", members.member_role, name="member_role"),
    path("<id:membership_id>/remove/", members.member_remove, name="member_remove"),
    path(
        "invitations/<id:invitation_id>/cancel/",
        members.invitation_cancel,
        name="invitation_cancel",
    ),
]

# A campaign's pages: /c/<campaign_id>/…
campaign_urls: list[URLPattern | URLResolver] = [
    path("", campaigns.campaign_board, name="campaign_board"),
    path("edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("archive/", campaigns.campaign_archive, name="campaign_archive"),
    path("shots/new/", shots.shot_create, name="shot_create"),
    path("plan/", planning.plan_page, name="plan_shots"),
    path("grid/", deliverables.grid_page, name="deliverables"),
    path("grid/missing/", deliverables.missing, name="deliverables_missing"),
    path("formats/add/", deliverables.format_add, name="format_add"),
    path(
        "formats/<id:format_id>/remove/",
        deliverables.format_remove,
        name="format_remove",
    ),
    path("formats/<id:format_id>/label/", deliverables.format_label, name="format_label"),
    path(
        "formats/<id:format_id>/timeline.<str:kind>",
        timelines.format_timeline,
        name="format_timeline",
    ),
    path("storyboard/", storyboard.storyboard_page, name="storyboard"),
    path(
        "storyboard/order/",
        storyboard.storyboard_order,
        name="storyboard_order",
    ),
    path("cuts/", storyboard.cut_request, name="cut_request"),
    path("one-take/", one_take.one_take_page, name="one_take"),
    path("one-take/<id:shot_id>/again/", one_take.one_take_again, name="one_take_again"),
    path("one-take/<id:shot_id>/compare/", one_take.one_take_compare, name="one_take_compare"),
    path(
        "cuts/<id:cut_id>/<str:variant>/",
        storyboard.cut_media,
        name="cut_media",
    ),
    path("spots/", spots.spots_page, name="spots"),
    path("versions/", market_versions.versions_page, name="versions"),
    path("versions/make/", market_versions.versions_make, name="versions_make"),
    path("versions/texts/", market_versions.version_texts, name="version_texts"),
    path("versions/markets/", market_versions.market_add, name="market_add"),
    path("versions/hooks/", market_versions.hook_add, name="hook_add"),
    path("spots/make/", spots.spot_make, name="spot_make"),
    path("spots/finishing/", spots.spot_finish, name="spot_finish"),
    path("spots/trim/", spots.spot_trim, name="spot_trim"),
    path("spots/files/", spots.brand_file_add, name="brand_file_add"),
    path("spots/<id:spot_id>/decide/", spots.spot_decide, name="spot_decide"),
    path("spots/<id:spot_id>/comments/", spots.spot_comment, name="spot_comment"),
    path("spots/<id:spot_id>/review/", spots.spot_review_page, name="spot_review"),
    path("spots/<id:spot_id>/<str:variant>/", spots.spot_media, name="spot_media"),
    path("deliver/", deliver.deliver_page, name="deliver"),
    path("deliver/package.zip", deliver.package_download, name="package_download"),
    path("spend/", spend.campaign_spend, name="campaign_spend"),
    path("shots/<id:shot_id>/", include(shot_urls)),
    path("activity/", review.campaign_activity, name="campaign_activity"),
    path("share/", share.share_links, name="share_links"),
    path("share/<id:link_id>/revoke/", share.share_revoke, name="share_revoke"),
]

# A take's pages: /takes/<render_id>/…
take_urls: list[URLPattern | URLResolver] = [
    path("", review.take_page, name="take_page"),
    path("comments/", review.comment_add, name="comment_add"),
    path("decide/", review.take_decide, name="take_decide"),
    path("hero/", review.take_hero, name="take_hero"),
    path("trim/", spots.take_trim, name="take_trim"),
    path("cancel/", takes.take_cancel, name="take_cancel"),
    path("remix/", takes.take_remix, name="take_remix"),
    path("again/", takes.take_again, name="take_again"),
    path("media/<str:variant>/", takes.take_media, name="take_media"),
    path("markers.<str:kind>", timelines.take_markers, name="take_markers"),
]

# What a guest link opens: /s/<token>/… (no login; the link is the key)
share_urls: list[URLPattern | URLResolver] = [
    path("", share.guest_entry, name="guest_entry"),
    path("takes/<id:render_id>/", share.guest_take, name="guest_take"),
    path("takes/<id:render_id>/decide/", share.guest_decide, name="guest_decide"),
    path("package.zip", deliver.guest_package, name="guest_package"),
    path("spots/decide/", guest_spots.guest_spots_decide, name="guest_spots_decide"),
    path("spots/<id:spot_id>/", guest_spots.guest_spot, name="guest_spot"),
    path("spots/<id:spot_id>/decide/", guest_spots.guest_spot_decide, name="guest_spot_decide"),
    path(
        "spots/<id:spot_id>/media/<str:variant>/",
        guest_spots.guest_spot_media,
        name="guest_spot_media",
    ),
    path(
        "takes/<id:render_id>/media/<str:variant>/",
        share.guest_media,
        name="guest_media",
    ),
]

# A workspace's pages: /w/<slug>/…
workspace_urls: list[URLPattern | URLResolver] = [
    path("members/", include(member_urls)),
    path("spend/", spend.workspace_spend, name="workspace_spend"),
    path("assets/", assets.asset_library, name="asset_library"),
    path("audit/", audit.audit_page, name="audit_log"),
    path("notifications/", channels.channel_list, name="channel_list"),
    path("notifications/<id:channel_id>/test/", channels.channel_test, name="channel_test"),
    path("notifications/<id:channel_id>/remove/", channels.channel_remove, name="channel_remove"),
    path("api/", api_settings.api_page, name="api_page"),
    path("api/tokens/", api_settings.token_create, name="token_create"),
    path("api/tokens/<id:token_id>/revoke/", api_settings.token_revoke, name="token_revoke"),
    path("api/webhooks/", api_settings.webhook_create, name="webhook_create"),
    path("api/webhooks/<id:endpoint_id>/", api_settings.webhook_change, name="webhook_change"),
    path("api/webhooks/<id:endpoint_id>/log/", api_settings.webhook_log, name="webhook_log"),
]

# The studio's pages, named under the `studio` namespace: {% url 'studio:campaign_board' … %}.
studio_urls: list[URLPattern | URLResolver] = [
    path("", campaigns.dashboard, name="dashboard"),
    path("workspaces/switch/", members.workspace_switch, name="workspace_switch"),
    path("account/mail/", account.mail_choice, name="mail_choice"),
    path("invite/<str:token>/", members.invitation_accept, name="invitation_accept"),
    path("c/new/", campaigns.campaign_create, name="campaign_create"),
    path("assets/<id:asset_id>/image/", assets.asset_image, name="asset_image"),
    path("assets/<id:asset_id>/delete/", assets.asset_delete, name="asset_delete"),
    path("comments/<id:comment_id>/resolve/", review.comment_resolve, name="comment_resolve"),
    path("comments/<id:comment_id>/delete/", review.comment_delete, name="comment_delete"),
    path("compare/", review.compare, name="compare"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/decide/", review.decide_selected, name="decide_selected"),
    path("decisions/<id:decision_id>/undo/", review.decision_undo, name="decision_undo"),
    path("models/", catalog.catalog_page, name="model_catalog"),
    path("verify/", verify.verify_page, name="verify"),
    path("providers/", providers.provider_list, name="provider_list"),
    path("providers/<str:name>/test/", providers.provider_test, name="provider_test"),
    path("providers/workflows/new/", providers.workflow_new, name="workflow_new"),
    path(
        "providers/workflows/<slug:key>/switch/",
        providers.workflow_switch,
        name="workflow_switch",
    ),
    path("c/<id:campaign_id>/", include(campaign_urls)),
    path("takes/<id:render_id>/", include(take_urls)),
    path("s/<str:token>/", include(share_urls)),
    path("w/<slug:slug>/", include(workspace_urls)),
]

# Outside the namespace: health, the providers' webhooks, signing in and out, the admin.
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("hooks/openai", hooks.openai_hook, name="hook_openai"),
    path("hooks/runware/<str:token>", hooks.runware_hook, name="hook_runware"),
    path("login/", sso.SignIn.as_view(), name="login"),
    # The company's sign-in (named as django-allauth reverses them).
    path("sso/<str:provider_id>/login/", sso.sso_start, name="openid_connect_login"),
    path("sso/<str:provider_id>/login/callback/", sso.sso_finish, name="openid_connect_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include((studio_urls, "studio"))),
]

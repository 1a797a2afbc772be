from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from studio.views import campaigns, health, members, shots

urlpatterns = [
    path("", campaigns.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspaces/switch/", members.workspace_switch, name="workspace_switch"),
    path("w/<slug:slug>/members/", members.member_list, name="member_list"),
    path("w/<slug:slug>/members/add/", members.member_add, name="member_add"),
    path(
        "w/<slug:slug>/members/<int:membership_id>/role/", members.member_role, name="member_role"
    ),
    path(
        "w/<slug:slug>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path("c/new/", campaigns.campaign_create, name="campaign_create"),
    path("c/<int:campaign_id>/", campaigns.campaign_board, name="campaign_board"),
    path("c/<int:campaign_id>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("c/<int:campaign_id>/archive/", campaigns.campaign_archive, name="campaign_archive"),
    path("c/<int:campaign_id>/shots/new/", shots.shot_create, name="shot_create"),
    path("c/<int:campaign_id>/shots/<int:shot_id>/", shots.shot_detail, name="shot_detail"),
    path("c/<int:campaign_id>/shots/<int:shot_id>/edit/", shots.shot_edit, name="shot_edit"),
    path("c/<int:campaign_id>/shots/<int:shot_id>/delete/", shots.shot_delete, name="shot_delete"),
    path("c/<int:campaign_id>/shots/<int:shot_id>/move/", shots.shot_move, name="shot_move"),
    path("admin/", admin.site.urls),
]

"""Review: a shot's status (`states`), comments, decisions and the hero choice, the review
queue and digest (`inbox`), the e-mails (`notifications`) and the activity feed."""

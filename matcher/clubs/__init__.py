"""The club's side of a referral: answers, attendance logged by the club, waiting lists, mails."""

-- An account's optional second factor: the TOTP secret its authenticator app shares (base32).
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;

//! `dalel user`: the accounts of the people who use dalel (docs/security.md).

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use dalel_model::totp::TotpSecret;
use dalel_model::{Account, Role, check_account_name, check_password, hash_password};
use dalel_store::Store;

/// Where a new password comes from: asked twice on the terminal without echo, or, in a
/// script, the first line of standard input.
pub enum PasswordSource<R> {
    Terminal,
    Lines(R),
}

impl<R: BufRead> PasswordSource<R> {
    /// A new password for `name`, checked ([`check_password`]).
    fn read(&mut self, name: &str) -> anyhow::Result<String> {
        let password = match self {
            PasswordSource::Terminal => {
                let first = rpassword::prompt_password(format!("New password for {name}: "))?;
                check_password(name, &first).map_err(anyhow::Error::msg)?;
                if rpassword::prompt_password("The same again: ")? != first {
                    bail!("the two passwords differ");
                }
                first
            }
            PasswordSource::Lines(input) => {
                let mut line = String::new();
                if input.read_line(&mut line).context("cannot read the password from standard input")? == 0 {
                    bail!("no password: give it on the first line of standard input, or run this in a terminal");
                }
                line.trim_end_matches(['\n', '\r']).to_string()
            }
        };
        check_password(name, &password).map_err(anyhow::Error::msg)?;
        Ok(password)
    }
}

/// Adds an account with a new password.
pub async fn add<R: BufRead>(
    store: &dyn Store,
    name: &str,
    role: Role,
    mut password: PasswordSource<R>,
) -> anyhow::Result<()> {
    check_account_name(name).map_err(anyhow::Error::msg)?;
    if store.account(name).await?.is_some() {
        bail!("there is already an account named {name:?}");
    }
    let password_hash = hash_password(&password.read(name)?);
    store.add_account(&Account::new(name, role, password_hash)).await?;
    Ok(())
}

/// Gives an account a new password.
pub async fn passwd<R: BufRead>(store: &dyn Store, name: &str, mut password: PasswordSource<R>) -> anyhow::Result<()> {
    let mut account = existing(store, name).await?;
    account.password_hash = hash_password(&password.read(name)?);
    store.update_account(&account).await?;
    Ok(())
}

/// Disables (`disabled`) or enables an account.
pub async fn set_disabled(store: &dyn Store, name: &str, disabled: bool) -> anyhow::Result<()> {
    let mut account = existing(store, name).await?;
    account.disabled = disabled;
    store.update_account(&account).await?;
    Ok(())
}

/// Turns on an account's second factor: a new shared secret is shown (as text and as the
/// `otpauth://` address an authenticator app reads), and kept only once `code` gives a code the
/// app shows for it, so that no one is locked out by a secret their app did not take.
pub async fn totp_on(
    store: &dyn Store,
    name: &str,
    out: &mut impl Write,
    code: impl FnOnce() -> anyhow::Result<String>,
    now: u64,
) -> anyhow::Result<()> {
    let mut account = existing(store, name).await?;
    let secret = TotpSecret::generate();
    writeln!(out, "secret for {name}'s authenticator app: {}", secret.to_base32())?;
    writeln!(out, "or as an address (put it in a QR code): {}", secret.uri(name, "dalel"))?;
    out.flush()?;
    let typed = code()?;
    if secret.matches(&typed, now).is_none() {
        bail!("{typed:?} is not the app's code for this secret; nothing was changed: run this again");
    }
    account.totp_secret = Some(secret.to_base32());
    store.update_account(&account).await?;
    Ok(())
}

/// Turns off an account's second factor.
pub async fn totp_off(store: &dyn Store, name: &str) -> anyhow::Result<()> {
    let mut account = existing(store, name).await?;
    account.totp_secret = None;
    store.update_account(&account).await?;
    Ok(())
}

/// Prints one line an account: its name, its role's code, whether it is active, and whether it
/// signs in with a code too.
pub async fn list(store: &dyn Store, out: &mut impl Write) -> anyhow::Result<()> {
    let accounts = store.accounts().await?;
    let width = accounts.iter().map(|a| a.name.chars().count()).max().unwrap_or(0);
    for a in &accounts {
        let state = if a.disabled { "disabled" } else { "active" };
        let code = if a.totp_secret.is_some() { ", with a code" } else { "" };
        writeln!(out, "{:width$}  {:9}  {state}{code}", a.name, a.role.code())?;
    }
    if accounts.is_empty() {
        writeln!(out, "no accounts yet: add the first with `dalel user add NAME --role admin`")?;
    }
    Ok(())
}

async fn existing(store: &dyn Store, name: &str) -> anyhow::Result<Account> {
    store.account(name).await?.with_context(|| format!("there is no account named {name:?}"))
}

//! `dalel user`: the accounts of the people who use dalel (docs/security.md).

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
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
    store.add_account(&Account { name: name.to_string(), role, password_hash, disabled: false }).await?;
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

/// Prints one line an account: its name, its role's code and whether it is active.
pub async fn list(store: &dyn Store, out: &mut impl Write) -> anyhow::Result<()> {
    let accounts = store.accounts().await?;
    let width = accounts.iter().map(|a| a.name.chars().count()).max().unwrap_or(0);
    for a in &accounts {
        let state = if a.disabled { "disabled" } else { "active" };
        writeln!(out, "{:width$}  {:9}  {state}", a.name, a.role.code())?;
    }
    if accounts.is_empty() {
        writeln!(out, "no accounts yet: add the first with `dalel user add NAME --role admin`")?;
    }
    Ok(())
}

async fn existing(store: &dyn Store, name: &str) -> anyhow::Result<Account> {
    store.account(name).await?.with_context(|| format!("there is no account named {name:?}"))
}

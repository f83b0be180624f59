//! The `accounts` and `sessions` tables (see `Store::accounts` and `Store::session`).

use dalel_model::{Account, Hash, Role, Session};
use sqlx::{Row, SqlitePool};

use crate::{Result, StoreError};

fn account(row: &sqlx::sqlite::SqliteRow) -> Result<Account> {
    let name: String = row.try_get("name")?;
    let role: String = row.try_get("role")?;
    let role = Role::from_code(&role).ok_or_else(|| StoreError::Corrupt {
        id: format!("account {name}"),
        reason: format!("unknown role {role:?}"),
    })?;
    Ok(Account {
        name,
        role,
        password_hash: row.try_get("password_hash")?,
        disabled: row.try_get("disabled")?,
        totp_secret: row.try_get("totp_secret")?,
    })
}

pub(super) async fn all(pool: &SqlitePool) -> Result<Vec<Account>> {
    let rows = sqlx::query("SELECT name, role, password_hash, disabled, totp_secret FROM accounts ORDER BY name")
        .fetch_all(pool)
        .await?;
    rows.iter().map(account).collect()
}

pub(super) async fn one(pool: &SqlitePool, name: &str) -> Result<Option<Account>> {
    let row = sqlx::query("SELECT name, role, password_hash, disabled, totp_secret FROM accounts WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(account).transpose()
}

pub(super) async fn add(pool: &SqlitePool, a: &Account) -> Result<()> {
    let inserted = sqlx::query(
        "INSERT INTO accounts (name, role, password_hash, disabled, totp_secret) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(&a.name)
    .bind(a.role.code())
    .bind(&a.password_hash)
    .bind(a.disabled)
    .bind(&a.totp_secret)
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Refused(format!("there is already an account named {:?}", a.name)));
    }
    Ok(())
}

pub(super) async fn update(pool: &SqlitePool, a: &Account) -> Result<()> {
    let mut tx = pool.begin().await?;
    let updated =
        sqlx::query("UPDATE accounts SET role = ?, password_hash = ?, disabled = ?, totp_secret = ? WHERE name = ?")
            .bind(a.role.code())
            .bind(&a.password_hash)
            .bind(a.disabled)
            .bind(&a.totp_secret)
            .bind(&a.name)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Refused(format!("there is no account named {:?}", a.name)));
    }
    sqlx::query("DELETE FROM sessions WHERE account = ?").bind(&a.name).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn add_session(pool: &SqlitePool, s: &Session) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= ?").bind(s.created_at).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO sessions (token_hash, account, created_at, expires_at) VALUES (?, ?, ?, ?)")
        .bind(&s.token_hash.0[..])
        .bind(&s.account)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn session(pool: &SqlitePool, token_hash: &Hash, now: i64) -> Result<Option<(Session, Account)>> {
    let row = sqlx::query(
        "SELECT s.created_at, s.expires_at, a.name, a.role, a.password_hash, a.disabled, a.totp_secret \
         FROM sessions s JOIN accounts a ON a.name = s.account \
         WHERE s.token_hash = ? AND s.expires_at > ? AND NOT a.disabled",
    )
    .bind(&token_hash.0[..])
    .bind(now)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let account = account(&row)?;
    let session = Session {
        token_hash: *token_hash,
        account: account.name.clone(),
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    };
    Ok(Some((session, account)))
}

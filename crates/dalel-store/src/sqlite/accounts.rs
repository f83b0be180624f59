//! The `accounts` table (see `Store::accounts`).

use dalel_model::{Account, Role};
use sqlx::{Row, SqlitePool};

use crate::{Result, StoreError};

fn account(row: &sqlx::sqlite::SqliteRow) -> Result<Account> {
    let name: String = row.try_get("name")?;
    let role: String = row.try_get("role")?;
    let role = Role::from_code(&role).ok_or_else(|| StoreError::Corrupt {
        id: format!("account {name}"),
        reason: format!("unknown role {role:?}"),
    })?;
    Ok(Account { name, role, password_hash: row.try_get("password_hash")?, disabled: row.try_get("disabled")? })
}

pub(super) async fn all(pool: &SqlitePool) -> Result<Vec<Account>> {
    let rows =
        sqlx::query("SELECT name, role, password_hash, disabled FROM accounts ORDER BY name").fetch_all(pool).await?;
    rows.iter().map(account).collect()
}

pub(super) async fn one(pool: &SqlitePool, name: &str) -> Result<Option<Account>> {
    let row = sqlx::query("SELECT name, role, password_hash, disabled FROM accounts WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(account).transpose()
}

pub(super) async fn add(pool: &SqlitePool, a: &Account) -> Result<()> {
    let inserted = sqlx::query(
        "INSERT INTO accounts (name, role, password_hash, disabled) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&a.name)
    .bind(a.role.code())
    .bind(&a.password_hash)
    .bind(a.disabled)
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Refused(format!("there is already an account named {:?}", a.name)));
    }
    Ok(())
}

pub(super) async fn update(pool: &SqlitePool, a: &Account) -> Result<()> {
    let updated = sqlx::query("UPDATE accounts SET role = ?, password_hash = ?, disabled = ? WHERE name = ?")
        .bind(a.role.code())
        .bind(&a.password_hash)
        .bind(a.disabled)
        .bind(&a.name)
        .execute(pool)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Refused(format!("there is no account named {:?}", a.name)));
    }
    Ok(())
}

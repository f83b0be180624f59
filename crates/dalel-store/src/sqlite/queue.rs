//! A write transaction whose rows are inserted while the writer prepares the next ones.
//!
//! Two costs made a large import slow through sqlx alone (docs/benchmarks.md). sqlx copies every
//! argument and hands each statement to its worker thread, so binding a million rows cost about
//! three times what SQLite takes to insert them; and awaiting each statement before building the
//! next left SQLite idle while the writer serialised and hashed, and the writer idle while SQLite
//! inserted. So rows are written here through rusqlite's prepared statements, one row per
//! execution, on the transaction's own connection (its handle locked from sqlx's worker for the
//! time), on a blocking thread; [`Queue::insert_rows`] returns at once and the rows are awaited
//! when the next ones are sent or the transaction is needed.

use sqlx::{Sqlite, Transaction};
use tokio::task::JoinHandle;

use super::with_rusqlite;
use crate::{Result, StoreError};

/// Rows sent to SQLite in one piece: large enough that locking the connection costs nothing
/// next to the rows, small enough that the writer's next rows are ready when these are done.
const ROWS_AT_ONCE: usize = 20_000;

/// A write transaction with at most one batch of rows in flight.
pub(super) struct Queue {
    /// The transaction, when no batch holds it.
    tx: Option<Transaction<'static, Sqlite>>,
    in_flight: Option<JoinHandle<(Transaction<'static, Sqlite>, Result<()>)>>,
}

impl Queue {
    pub(super) fn new(tx: Transaction<'static, Sqlite>) -> Queue {
        Queue { tx: Some(tx), in_flight: None }
    }

    /// The transaction, once the batch in flight has finished; its error, if it failed.
    pub(super) async fn tx(&mut self) -> Result<&mut Transaction<'static, Sqlite>> {
        if let Some(task) = self.in_flight.take() {
            // A task that panicked took the transaction with it (dropped: rolled back).
            let (tx, result) = task.await.map_err(|_| sqlx::Error::WorkerCrashed)?;
            self.tx = Some(tx);
            result?;
        }
        // Gone only after such a panic: every later use fails, none panics.
        self.tx.as_mut().ok_or_else(|| sqlx::Error::WorkerCrashed.into())
    }

    pub(super) async fn commit(mut self) -> Result<()> {
        self.tx().await?;
        let Some(tx) = self.tx.take() else { return Err(sqlx::Error::WorkerCrashed.into()) };
        tx.commit().await?;
        Ok(())
    }

    /// Executes the one-row statement `sql` once for each of `rows`, its parameters bound by
    /// `write`, after the rows before them; returns without waiting. The error of a row, made
    /// by `explain` from the row and the database's error, is returned by the next call that
    /// waits.
    pub(super) async fn insert_rows<T: Send + 'static>(
        &mut self,
        sql: &'static str,
        rows: Vec<T>,
        write: impl Fn(&mut rusqlite::Statement<'_>, &T) -> rusqlite::Result<usize> + Clone + Send + 'static,
        explain: impl Fn(&T, StoreError) -> StoreError + Clone + Send + 'static,
    ) -> Result<()> {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<T> = rows.by_ref().take(ROWS_AT_ONCE).collect();
            let (write, explain) = (write.clone(), explain.clone());
            self.tx().await?;
            let Some(mut tx) = self.tx.take() else { return Err(sqlx::Error::WorkerCrashed.into()) };
            self.in_flight = Some(tokio::task::spawn_blocking(move || {
                let result = with_rusqlite(&mut tx, |db| {
                    let mut statement = db.prepare(sql)?;
                    for row in &batch {
                        write(&mut statement, row).map_err(|e| explain(row, e.into()))?;
                    }
                    Ok(())
                });
                (tx, result)
            }));
        }
        Ok(())
    }
}

/// The explanation of a row's error that adds nothing to it.
pub(super) fn as_is<T>(_: &T, e: StoreError) -> StoreError {
    e
}

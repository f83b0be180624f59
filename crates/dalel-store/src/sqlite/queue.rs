//! A write transaction whose statements run while the writer prepares the next one.
//!
//! sqlx executes SQLite statements on its own worker thread. Awaiting each statement before
//! building the next leaves that thread idle while the writer serialises records and hashes
//! entries, and the writer idle while SQLite inserts; a large import then takes the sum of the
//! two. [`Queue::send`] hands a statement (with owned arguments) to a task and returns at once;
//! the statement is awaited when the next one is sent or the transaction is needed, so the two
//! overlap (docs/benchmarks.md).

use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, Transaction};
use tokio::task::JoinHandle;

use crate::{Result, StoreError};

/// What turns a failed statement's error into the error the writer reports.
type Explain = Box<dyn FnOnce(sqlx::Error) -> StoreError + Send>;

/// A write transaction with at most one statement in flight.
pub(super) struct Queue {
    /// The transaction, when no statement holds it.
    tx: Option<Transaction<'static, Sqlite>>,
    in_flight: Option<JoinHandle<(Transaction<'static, Sqlite>, Result<()>)>>,
}

impl Queue {
    pub(super) fn new(tx: Transaction<'static, Sqlite>) -> Queue {
        Queue { tx: Some(tx), in_flight: None }
    }

    /// The transaction, once the statement in flight has finished; its error, if it failed.
    pub(super) async fn tx(&mut self) -> Result<&mut Transaction<'static, Sqlite>> {
        if let Some(task) = self.in_flight.take() {
            let (tx, result) =
                task.await.map_err(|e| StoreError::Refused(format!("a database statement's task failed: {e}")))?;
            self.tx = Some(tx);
            result?;
        }
        Ok(self.tx.as_mut().expect("the transaction is back once nothing is in flight"))
    }

    /// Starts `sql` with `args` once the statement before it has finished, and returns without
    /// waiting for it. Its error, made by `explain`, is returned by the next call that waits.
    pub(super) async fn send(&mut self, sql: String, args: SqliteArguments<'static>, explain: Explain) -> Result<()> {
        self.tx().await?;
        let mut tx = self.tx.take().expect("nothing is in flight");
        self.in_flight = Some(tokio::spawn(async move {
            let result = sqlx::query_with(&sql, args).execute(&mut *tx).await.map(drop).map_err(explain);
            (tx, result)
        }));
        Ok(())
    }

    pub(super) async fn commit(mut self) -> Result<()> {
        self.tx().await?;
        self.tx.take().expect("nothing is in flight").commit().await?;
        Ok(())
    }
}

/// `head` followed by `rows` rows of `cols` positional parameters: `(?, ?), (?, ?)`, then `tail`.
pub(super) fn rows_sql(head: &str, rows: usize, cols: usize, tail: &str) -> String {
    let row = format!("({})", vec!["?"; cols].join(", "));
    format!("{head}{}{tail}", vec![row.as_str(); rows].join(", "))
}

/// The default explanation: the database error as it is.
pub(super) fn as_is() -> Explain {
    Box::new(StoreError::from)
}

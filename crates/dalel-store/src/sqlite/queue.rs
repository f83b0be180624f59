//! A write transaction whose statements run while the writer prepares the next one.
//!
//! sqlx executes SQLite statements on its own worker thread. Awaiting each statement before
//! building the next leaves that thread idle while the writer serialises records and hashes
//! entries, and the writer idle while SQLite inserts; a large import then takes the sum of the
//! two. [`Queue::send`] hands a statement (with owned arguments) to a task and returns at once;
//! the statement is awaited when the next one is sent or the transaction is needed, so the two
//! overlap (docs/benchmarks.md).

use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Sqlite, Transaction};
use tokio::task::JoinHandle;

use super::BATCH;
use crate::{Result, StoreError};

/// What turns a failed statement's error into the error the writer reports.
pub(super) type Explain = Box<dyn FnOnce(sqlx::Error) -> StoreError + Send>;

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
            // A task that panicked took the transaction with it (dropped: rolled back).
            let (tx, result) = task.await.map_err(|_| sqlx::Error::WorkerCrashed)?;
            self.tx = Some(tx);
            result?;
        }
        // Gone only after such a panic: every later use fails, none panics.
        self.tx.as_mut().ok_or_else(|| sqlx::Error::WorkerCrashed.into())
    }

    /// Starts `sql` with `args` once the statement before it has finished, and returns without
    /// waiting for it. Its error, made by `explain`, is returned by the next call that waits.
    pub(super) async fn send(&mut self, sql: String, args: SqliteArguments<'static>, explain: Explain) -> Result<()> {
        self.tx().await?;
        let Some(mut tx) = self.tx.take() else { return Err(sqlx::Error::WorkerCrashed.into()) };
        self.in_flight = Some(tokio::spawn(async move {
            let result = sqlx::query_with(&sql, args).execute(&mut *tx).await.map(drop).map_err(explain);
            (tx, result)
        }));
        Ok(())
    }

    pub(super) async fn commit(mut self) -> Result<()> {
        self.tx().await?;
        let Some(tx) = self.tx.take() else { return Err(sqlx::Error::WorkerCrashed.into()) };
        tx.commit().await?;
        Ok(())
    }

    /// Sends `rows` in multi-row statements of at most [`BATCH`] rows each: `head`, then one
    /// `(?, ...)` of `cols` parameters per row, bound by `bind_row`, then `tail`. `explain` makes,
    /// from each statement's rows, what its error will say.
    pub(super) async fn insert_rows<T: Send>(
        &mut self,
        (head, cols, tail): (&str, usize, &str),
        rows: Vec<T>,
        mut bind_row: impl FnMut(&mut SqliteArguments<'static>, T) -> Result<()> + Send,
        explain: impl Fn(&[T]) -> Explain + Send,
    ) -> Result<()> {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<T> = rows.by_ref().take(BATCH).collect();
            let sql = rows_sql(head, chunk.len(), cols, tail);
            let explain = explain(&chunk);
            let mut args = SqliteArguments::default();
            for row in chunk {
                bind_row(&mut args, row)?;
            }
            self.send(sql, args, explain).await?;
        }
        Ok(())
    }
}

/// `head` followed by `rows` rows of `cols` positional parameters: `(?, ?), (?, ?)`, then `tail`.
fn rows_sql(head: &str, rows: usize, cols: usize, tail: &str) -> String {
    let row = format!("({})", vec!["?"; cols].join(", "));
    format!("{head}{}{tail}", vec![row.as_str(); rows].join(", "))
}

/// Adds one owned value to a statement's arguments.
pub(super) fn bind<T>(args: &mut SqliteArguments<'static>, value: T) -> Result<()>
where
    T: 'static + Send + sqlx::Encode<'static, Sqlite> + sqlx::Type<Sqlite>,
{
    args.add(value).map_err(|e| StoreError::Refused(format!("a value cannot be stored: {e}")))
}

/// The default explanation: the database error as it is.
pub(super) fn as_is() -> Explain {
    Box::new(StoreError::from)
}

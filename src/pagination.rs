//! Cursor pagination (SPEC §7): `limit` (default 50, max 500) and an opaque
//! `cursor`; answers `{items, next_cursor}`.

use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size.
pub const MAX_LIMIT: i64 = 500;

/// The paging parameters every list takes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, example = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

/// A page of a list, in a stable order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl PageParams {
    /// The validated page size.
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::invalid("limit", "must be from 1 to 500")),
        }
    }

    /// The decoded cursor: the sort key of the last item already seen.
    pub fn after(&self) -> Result<Option<Vec<String>>, ApiError> {
        self.cursor.as_deref().map(decode_cursor).transpose()
    }

    /// The decoded cursor of a list ordered by id alone.
    pub fn after_id(&self) -> Result<Option<i64>, ApiError> {
        match self.after()? {
            None => Ok(None),
            Some(parts) => match parts.as_slice() {
                [id] => id.parse().map(Some).map_err(|_| invalid_cursor()),
                _ => Err(invalid_cursor()),
            },
        }
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_request(
        "invalid_cursor",
        "`cursor` is not a cursor this list gave out",
    )
}

/// Encodes a sort key as an opaque cursor.
pub fn encode_cursor(parts: &[String]) -> String {
    URL_SAFE_NO_PAD.encode(parts.join("\u{1f}"))
}

fn decode_cursor(cursor: &str) -> Result<Vec<String>, ApiError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid_cursor())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid_cursor())?;
    Ok(text.split('\u{1f}').map(str::to_string).collect())
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in order: the extra
    /// row only tells that there is a next page.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        key: impl Fn(&R) -> Vec<String>,
        map: impl FnMut(R) -> T,
    ) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| encode_cursor(&key(r)))
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let parts = vec!["2025-05-26T01:00:00Z".to_string(), "42".to_string()];
        let params = PageParams {
            limit: None,
            cursor: Some(encode_cursor(&parts)),
        };
        assert_eq!(params.after().unwrap(), Some(parts));
    }

    #[test]
    fn garbage_cursors_are_refused() {
        let params = PageParams {
            limit: None,
            cursor: Some("%%%".into()),
        };
        assert_eq!(params.after().unwrap_err().code(), "invalid_cursor");
        let two_parts = PageParams {
            limit: None,
            cursor: Some(encode_cursor(&["a".into(), "b".into()])),
        };
        assert_eq!(two_parts.after_id().unwrap_err().code(), "invalid_cursor");
    }

    #[test]
    fn limits_are_bounded() {
        let p = |limit| PageParams {
            limit,
            cursor: None,
        };
        assert_eq!(p(None).limit().unwrap(), 50);
        assert_eq!(p(Some(500)).limit().unwrap(), 500);
        assert!(p(Some(0)).limit().is_err());
        assert!(p(Some(501)).limit().is_err());
    }

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_exist() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |r| vec![r.to_string()], |r| r);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor, Some(encode_cursor(&["2".into()])));
        let last = Page::from_rows(vec![1, 2], 2, |r| vec![r.to_string()], |r| r);
        assert_eq!(last.next_cursor, None);
    }
}

//! The UI speaks Kazakh, Russian, English, Chinese and Uyghur (right to left): chosen by the user,
//! else by the browser.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use super::{app_with, person, send};

async fn page_with(app: &crate::Client, uri: &str, header: (header::HeaderName, &str)) -> String {
    let (status, _, body) = send(app, Request::get(uri).header(header.0, header.1).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    body
}

#[tokio::test]
async fn the_browser_language_is_used_and_a_choice_is_remembered() {
    let (app, _dir) = app_with(vec![person("p2", &["Aigul Serikkyzy"], "11010519491231002X")]).await;

    let body = page_with(&app, "/", (header::ACCEPT_LANGUAGE, "ru-RU,ru;q=0.9,en;q=0.8")).await;
    assert!(body.contains(r#"<html lang="ru" dir="ltr">"#) && body.contains("В архиве 1 человек."), "{body}");
    let body = page_with(&app, "/people/p2", (header::ACCEPT_LANGUAGE, "kk-KZ")).await;
    assert!(body.contains("Тексеру керек") && body.contains("Жынысы"), "{body}");
    assert!(body.contains("ҚХР жеке куәлігі"), "vocabulary terms are translated too: {body}");
    let body = page_with(&app, "/people/p2", (header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")).await;
    assert!(body.contains(r#"<html lang="zh" dir="ltr">"#) && body.contains("中国居民身份证"), "{body}");
    // Uyghur runs right to left: the page says so, and its names and terms are Uyghur's.
    let body = page_with(&app, "/people/p2", (header::ACCEPT_LANGUAGE, "ug-CN,zh;q=0.5")).await;
    assert!(body.contains(r#"<html lang="ug" dir="rtl">"#) && body.contains("جىنسى"), "{body}");
    assert!(body.contains("جۇڭخۇا خەلق جۇمھۇرىيىتى كىملىكى"), "vocabulary terms are translated too: {body}");
    let body = page_with(&app, "/", (header::ACCEPT_LANGUAGE, "de-DE")).await;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#), "English when the UI speaks none of the browser's");

    // Choosing a language sets a cookie and goes back where the user was; the cookie wins.
    let request = Request::get("/lang?to=kk").header(header::REFERER, "http://127.0.0.1:8080/people/p2?x=1");
    let (status, headers, _) = send(&app, request.body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/people/p2?x=1");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("dalel-lang=kk;") && cookie.contains("HttpOnly"), "{cookie}");
    let request =
        Request::get("/").header(header::COOKIE, "other=1; dalel-lang=kk").header(header::ACCEPT_LANGUAGE, "ru");
    let (_, _, body) = send(&app, request.body(Body::empty()).unwrap()).await;
    assert!(body.contains("Мұрағатта 1 адам бар."), "{body}");

    // A referrer elsewhere is not followed; an unknown language is refused.
    let request = Request::get("/lang?to=ru").header(header::REFERER, "https://evil.example//x");
    let (_, headers, _) = send(&app, request.body(Body::empty()).unwrap()).await;
    assert_eq!(headers[header::LOCATION], "/");
    let (status, _, _) = send(&app, Request::get("/lang?to=xx").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Errors of the pages come in the page frame and the user's language; the API's do not.
#[tokio::test]
async fn error_pages_are_pages_in_the_users_language() {
    let (app, _dir) = app_with(vec![]).await;
    let kazakh = (header::ACCEPT_LANGUAGE, "kk");
    for uri in ["/people/nobody", "/no/such/page"] {
        let request = Request::get(uri).header(kazakh.0.clone(), kazakh.1).body(Body::empty()).unwrap();
        let (status, headers, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{uri}");
        assert!(body.contains(r#"<html lang="kk""#) && body.contains("Табылмады."), "{uri}: {body}");
    }
    let request = Request::get("/?after=%20").header(header::ACCEPT_LANGUAGE, "ru").body(Body::empty()).unwrap();
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Не удалось прочитать запрос: "), "{body}");
    // The API answers in its own format, untouched.
    let request = Request::get("/api/testimonies/nobody").header(kazakh.0, kazakh.1).body(Body::empty()).unwrap();
    let (status, headers, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json", "{body}");
}

/// Why an ID number fails its check is said in the reader's language too.
#[tokio::test]
async fn id_number_reasons_are_translated() {
    let (app, _dir) = app_with(vec![person("p1", &["Aidar Serikuly"], "65400219800202002X")]).await;
    let ru = page_with(&app, "/people/p1", (header::ACCEPT_LANGUAGE, "ru")).await;
    assert!(ru.contains("контрольная цифра X, а должна быть 6"), "{ru}");
    let kk = page_with(&app, "/people/p1", (header::ACCEPT_LANGUAGE, "kk")).await;
    assert!(kk.contains("бақылау цифры X, ал 6 болуы керек"), "{kk}");
    let (status, _, body) = send(
        &app,
        Request::get("/api/id-check?number=65400219800202002X")
            .header(header::ACCEPT_LANGUAGE, "ru")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("контрольная цифра X, а должна быть 6"), "{body}");
}

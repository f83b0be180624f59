# Веб-приложение dalel по-русски. Каждое сообщение из en/main.ftl должно быть и здесь.

## Рамка
nav-people = Люди
nav-new-testimony = Записать свидетельство
search-label = Найти человека по имени, в любой письменности:
search-button = Найти
language-switch = Язык:

## Люди
people-title = Люди
people-count = { $count ->
    [one] В архиве { $count } человек.
    [few] В архиве { $count } человека.
   *[many] В архиве { $count } человек.
}
col-name = Имя
col-other-names = Другие имена
col-born = Родился
col-hometown = Родной город
next-page = Следующая страница →

## Поиск
search-title = Поиск: { $query }
search-none = Никого не найдено.
search-too-long = Имя не длиннее 200 знаков, пожалуйста.
col-score = Сходство
col-names = Имена
col-matched = Совпало

## Человек
person-needs-look = Требует проверки
person-names = Имена
col-script = Письменность
col-language = Язык
col-kind = Вид
person-facts = Сведения
fact-sex = Пол
fact-born = Родился
fact-ethnicity = Национальность
fact-relatives = Родственники (давшие показания или связанные как семья)
fact-hometown = Родной город
fact-occupation = Род занятий
fact-notes = Заметки
person-id-numbers = Номера документов
person-sources = Что говорят источники
person-no-sources = Пока ни одно свидетельство или событие не относится к этому человеку.
person-history = История
col-entry = Запись
col-time = Время
col-author = Автор
col-hash = Хеш
episode-from = с { $date }
episode-term = срок { $term }
testimony-by = свидетель: { $relation }
testimony-recorded = записано { $date }
testimony-consent = согласие: { $consent }
evidence-file = Файл-доказательство
id-valid-cn = верен; родился { $born }, пол: { $sex }, прописан: { $area } ({ $code })
id-valid-iin = верен; родился { $born }, пол: { $sex }
id-unknown-area = неизвестный район
id-unchecked = для такого номера проверки нет
id-invalid = неверен: { $reason } (сохранён как введён)
id-err-length-cn = содержит { $found } знаков; должно быть 18 (или 15 на удостоверениях, выданных до 1999 года)
id-err-length-iin = содержит { $found } знаков; должно быть 12
id-err-not-digit = знак { $position } ({ $found }) должен быть цифрой
id-err-birth-date = дата рождения внутри номера ({ $date }) не существует
id-err-check-digit = контрольная цифра { $found }, а должна быть { $expected }
id-err-century = 7-я цифра ({ $digit }) не обозначает ни века, ни пола
id-err-no-check-digit = для первых 11 цифр не существует верной контрольной цифры
flag-invalid-id = Номер документа { $number } неверен: { $reason }. Он сохранён как введён.
flag-birth-contradicts-id = Дата рождения { $stated } расходится с { $in_number } в номере документа { $number }.
flag-sex-contradicts-id = Пол расходится с указанным в номере документа { $number }.

## Ошибки
error-not-found = Не найдено.
error-internal = На сервере произошла ошибка. Ничего из введённого не сохранено; попробуйте ещё раз.
error-bad-request = Не удалось прочитать запрос: { $reason }
error-back-home = Перейти на главную страницу

## Форма записи
intake-title = Записать свидетельство
intake-intro = Поля со звёздочкой * обязательны. Номер документа, который выглядит неверным, никогда не отвергается: он сохраняется как введён и отмечается для проверки.
date-help = Год (1975), месяц (1975-03), день (1975-03-21), примерный год (1975~) или промежуток (1975/1977).
lines-help = По одному в строке.
section-testifier = Свидетель
f-testifier-name = Имя, в любой письменности *
f-birth-date = Дата рождения
f-id-numbers = Номера документов
f-contact = Телефон или другой способ связи
f-residence = Где живёт сейчас
section-consent = Согласие
consent-public-help = Можно публиковать с именем и лицом свидетеля.
consent-anonymised-help = Можно публиковать без имени, лица и контактов свидетеля; файлы — только после того, как проверяющий скроет лишнее.
consent-internal-help = Никогда не публикуется; видит только команда.
section-recording = Запись
f-recorded-on = Дата записи
f-recorded-at = Место записи
f-recorded-by = Кто записал
f-language = Язык рассказа
f-media-url = Ссылка на видео или аудио
section-persons = О ком свидетельство
person-n = Человек { $n }
f-relation = Кем свидетель приходится этому человеку *
f-names = Имена, в любой письменности *
f-gender = Пол
f-ethnicity = Национальность
f-hometown = Родной город
f-occupation = Род занятий
f-same = Этот человек уже есть в архиве?
same-new = Нет: новый человек
same-open = открыть
same-look-up = Найти этих людей в архиве
add-person = Добавить ещё человека
section-episodes = Что произошло
episode-n = Событие { $n }
f-episode-person = С кем
f-episode-kind = Что произошло *
f-detention-kind = Вид заключения
f-episode-start = С
f-episode-end = По
f-episode-facility = Учреждение (из списка известных)
facility-help = Начните вводить город или название учреждения и выберите его из списка; если его там нет, оставьте поле пустым и опишите место ниже.
f-episode-place = Место (со слов)
f-episode-charges = Обвинения
f-episode-term = Срок
f-episode-source = Откуда свидетель это знает
add-episode = Добавить ещё событие
transcript-n = Расшифровка или перевод { $n }
add-transcript = Добавить перевод
section-survivor = Если свидетель рассказывает о своём заключении
q-cell-people = Сколько человек было в камере?
q-oldest = Самый старший заключённый
q-youngest = Самый младший заключённый
q-routine = Распорядок дня
q-food = Еда
q-medical = Медосмотры, уколы, взятие анализов
q-classes = Занятия
q-punishments = Наказания
q-other = Что-нибудь ещё
section-transcript = Расшифровка или перевод
f-transcript-language = Язык текста
f-transcript-text = Текст
f-is-translation = Это перевод
f-translated-by = Перевёл
f-notes = Заметки
choose = (выберите)
save = Сохранить свидетельство
errors-title = Исправьте эти поля; пока ничего не сохранено:
err-required = { $field }: это поле обязательно.
err-same-unknown = { $field }: такого человека в архиве нет; выберите из списка или нового человека.
err-date = { $field }: «{ $value }» — не дата, которую понимает dalel.
err-choice = { $field }: «{ $value }» — нет среди вариантов.
err-facility = { $field }: «{ $value }» нет в списке учреждений; выберите из списка или оставьте поле пустым и опишите место ниже.
err-url = { $field }: ссылка должна начинаться с https:// или http://.
err-too-long = { $field }: не больше { $max } знаков.
err-no-person = Нужен хотя бы один человек, о котором свидетельство, с именем и степенью родства.
saved-title = Свидетельство сохранено
saved-text = Свидетельство и { $persons ->
    [one] { $persons } человек сохранены.
    [few] { $persons } человека сохранены.
   *[many] { $persons } человек сохранены.
}
saved-warnings = Посмотрите эти предупреждения. Введённое сохранено как есть.
saved-maybe-same = Уже в архиве; возможно, это тот же человек, что { $name }:
said-same = Волонтёр указал, что это тот же человек, что в этой записи архива (подтверждает проверяющий):
saved-no-same = В архиве нет никого похожего на { $name }.
saved-another = Записать ещё одно свидетельство

## Проверка
nav-review = Очередь проверки
testimony-title = Свидетельство
review-title = Проверка
review-state = Состояние:
review-comment = Комментарий (нужен, чтобы вернуть или отозвать)
review-queue = Очередь проверки
col-state = Состояние
col-comment = Комментарий
review-none = Нет.
review-needs-comment = Для этого шага нужен комментарий: что исправить или почему свидетельство отозвано.
review-not-from = Свидетельство в состоянии «{ $from }» не может стать «{ $to }»; возможно, кто-то уже сделал шаг.
review-action-submit = Отправить на проверку
review-action-start-review = Начать проверку
review-action-accept = Принять
review-action-return = Вернуть с комментариями
review-action-publish = Опубликовать
review-action-withhold = Не публиковать
review-action-withdraw = Отозвать

## Файлы-доказательства
evidence-title = Файлы-доказательства
evidence-none = Пока нет ни одного файла.
evidence-upload = Загрузить
evidence-choose = Фото удостоверений, судебные документы, видео, записи:
evidence-no-js = Без JavaScript файлы отправляются одним запросом: если связь прервётся, их придётся отправить снова. Большие видео лучше загружать с включённым JavaScript — частями, с продолжением с места обрыва.
evidence-refused-title = Файл не сохранён
evidence-refused-size = { $name }: файл больше предела в { $limit } МиБ; он не сохранён.
evidence-refused-type = { $name }: содержимое — { $seen }, здесь не принимается (принимаются: { $accepted }); он не сохранён.
evidence-refused-none = Файл не выбран.
evidence-stored-before = Отправленные до него файлы ({ $count }) сохранены.
evidence-back = Вернуться к свидетельству
evidence-waiting = связь потеряна, ждём, чтобы продолжить…
evidence-failed = связь не вернулась; попробуйте позже, загрузка продолжится с того места, где остановилась.
col-file = Файл
col-type = Тип
col-size = Размер

## Словари
vocab-gender-male = Мужской
vocab-gender-female = Женский
vocab-gender-other = Другой
vocab-relation-mother = Мать
vocab-relation-father = Отец
vocab-relation-son = Сын
vocab-relation-daughter = Дочь
vocab-relation-husband = Муж
vocab-relation-wife = Жена
vocab-relation-brother = Брат
vocab-relation-sister = Сестра
vocab-relation-relative = Другой родственник
vocab-relation-neighbour = Сосед
vocab-relation-self = Сам(а) (свой опыт)
vocab-relation-other = Другое
vocab-consent-public = Публично
vocab-consent-anonymised = Анонимно
vocab-consent-internal = Только для команды
vocab-reliability-high = Высокая
vocab-reliability-medium = Средняя
vocab-reliability-low = Низкая
vocab-reliability-unknown = Неизвестна
vocab-source-connection-victim = Пострадавший (из первых рук)
vocab-source-connection-witness = Очевидец
vocab-source-connection-relative = Родственник пострадавшего
vocab-source-connection-reporter = Репортёр или журналист
vocab-source-connection-lawyer = Адвокат
vocab-source-connection-ngo = Неправительственная организация
vocab-source-connection-official = Официальный документ или орган
vocab-source-connection-other = Другое
vocab-victim-status-detained = Задержан
vocab-victim-status-sentenced = Осуждён
vocab-victim-status-released = Освобождён
vocab-victim-status-disappeared = Пропал
vocab-victim-status-deceased = Погиб
vocab-victim-status-under-surveillance = Под наблюдением
vocab-victim-status-exiled = В изгнании
vocab-victim-status-unknown = Неизвестно
vocab-episode-detention = Задержание
vocab-episode-sentence = Приговор
vocab-episode-release = Освобождение
vocab-episode-death = Смерть
vocab-episode-disappearance = Исчезновение
vocab-episode-land-seizure = Изъятие земли
vocab-episode-harassment = Преследование
vocab-episode-travel-ban = Запрет на выезд
vocab-episode-protest-detention = Задержание на протесте
vocab-detention-police-custody = Полицейский участок
vocab-detention-administrative-detention = Административный арест
vocab-detention-pretrial-detention-centre = Следственный изолятор
vocab-detention-camp = Лагерь
vocab-detention-drug-rehabilitation-centre = Центр реабилитации наркозависимых
vocab-detention-prison = Тюрьма
vocab-detention-house-arrest = Домашний арест
vocab-detention-travel-or-document-restriction = Ограничение поездок или документов
vocab-date-qualifier-exact = Точно
vocab-date-qualifier-estimate = Примерно
vocab-date-qualifier-unknown-day = День неизвестен
vocab-date-qualifier-unknown-month-and-day = Месяц и день неизвестны
vocab-place-country = Страна
vocab-place-region = Регион или провинция
vocab-place-prefecture = Округ
vocab-place-county = Уезд или район
vocab-place-settlement = Город или село
vocab-place-address = Адрес
vocab-place-camp = Лагерь
vocab-place-detention-centre = Следственный изолятор
vocab-place-prison = Тюрьма
vocab-place-police-station = Полицейский участок
vocab-place-court = Суд
vocab-place-other = Другое
vocab-id-scheme-cn-resident = Удостоверение личности КНР
vocab-id-scheme-kz-iin = ИИН Казахстана
vocab-id-scheme-passport = Паспорт
vocab-id-scheme-other = Другое
vocab-name-kind-full = Полное имя
vocab-name-kind-alias = Другое имя
vocab-name-kind-given = Имя
vocab-name-kind-family = Фамилия
vocab-name-kind-patronymic = Имя отца
vocab-review-draft = Черновик
vocab-review-submitted = Отправлено
vocab-review-in-review = На проверке
vocab-review-returned = Возвращено с комментариями
vocab-review-accepted = Принято
vocab-review-published = Опубликовано
vocab-review-withheld = Не публикуется
vocab-review-withdrawn = Отозвано
vocab-role-admin = Администратор
vocab-role-editor = Редактор
vocab-role-reviewer = Рецензент
vocab-role-volunteer = Волонтёр

# Ethnicities as sources name them in English (the statistics and the filters)
vocab-ethnicity-kazakh = Казахи
vocab-ethnicity-uyghur = Уйгуры
vocab-ethnicity-kyrgyz = Кыргызы
vocab-ethnicity-hui = Хуэй (дунгане)
vocab-ethnicity-uzbek = Узбеки
vocab-ethnicity-tatar = Татары
vocab-ethnicity-tajik = Таджики
vocab-ethnicity-han = Ханьцы
vocab-ethnicity-mongol = Монголы

## Вход
login-title = Войти
login-name = Имя учётной записи
login-password = Пароль
login-code = Код из приложения-аутентификатора (только если ваша учётная запись его использует)
login-button = Войти
login-failed = Неверное имя учётной записи, пароль или код.
login-throttled = Слишком много неудачных попыток. Подождите четверть часа и попробуйте снова.
login-expired = Срок действия формы истёк. Введите имя и пароль ещё раз.
signed-in-as = { $name } ({ $role })
logout-button = Выйти
error-forbidden = Ваша роль этого не позволяет.
error-csrf = Срок действия формы истёк, или она отправлена не со страницы dalel. Обновите страницу и попробуйте снова.

# The pairs' review queue (pairs.rs)
nav-pairs = Пары на проверку
pairs-title = Пары на проверку
pairs-count = Пар, в которых связывание не уверено: { $count }; самые вероятные первыми.
pairs-none = Пар на проверку нет.
pair-open = Сравнить
pair-first = Первая запись
pair-second = Вторая запись
pair-record = запись
pair-title = Один и тот же человек?
pair-score = Вероятность совпадения по оценке связывания: { $score }
pair-reasons = Что совпадает и что нет
pair-note = Примечание (почему)
pair-same = Один человек (S)
pair-different = Разные люди (D)
pair-skip = Следующая пара (N)
pair-history = Решения по этой паре
pair-verdict = Решение
pair-linker = связывание

vocab-verdict-same = Один человек
vocab-verdict-different = Разные люди
vocab-verdict-undecided = Не решено

# A victim entry (entry.rs)
person-entry = Запись о человеке, к которой относится эта карточка, со всеми связанными карточками
entry-cite = Ссылаться как на запись dalel
entry-level = Уровень доказанности
entry-cut = Показаны только первые { $count } карточек этой записи.
entry-records = Карточки
entry-disagree = Карточки расходятся: сохранены оба значения.
entry-timeline = Хронология
entry-no-episodes = Эпизоды не записаны.
entry-sources = Источники
entry-testified = Кто дал показания
timeline-release-before-detention = Освобождение датировано раньше задержания: проверьте даты.
timeline-prison-without-sentence = Срок в тюрьме без приговора до него.
timeline-before-birth = Дата раньше рождения человека.
timeline-after-death = Дата после смерти человека.
timeline-ends-before-start = Заканчивается раньше, чем начинается.

vocab-evidence-reported = Сообщено
vocab-evidence-partially-verified = Частично подтверждено
vocab-evidence-corroborated = Подтверждено независимыми источниками
vocab-evidence-documented = Подтверждено документами

## The public site (dalel publish --static)
site-title = База данных пострадавших
site-head = Опубликовано по записи журнала { $seq }, хеш
site-empty = Пока ничего не опубликовано.
site-entries = Записи ({ $count })
site-pages = Страницы списка
site-downloads = Скачать
site-downloads-check = Опубликованная база в форматах FollowTheMoney JSON lines, CSV и dalel JSON lines. SHA-256 каждого файла указан в SHA256SUMS, а первая строка файла dalel называет хеш журнала на момент выгрузки, чтобы любой мог позже проверить копию.
site-cite = Как цитировать
site-cite-text = База данных пострадавших dalel, запись { $id }. Идентификатор записи не меняется: записи, объединённые с ней позже, сохраняют свои идентификаторы, которые ведут сюда.

## Statistics (the public site)
stats-title = Статистика
stats-intro = Подсчёт { $count } опубликованных записей. Он описывает тех, кто есть в этой базе, а не всех задержанных: люди попадают сюда, потому что о них рассказали родственники за границей, выжившие или документы, поэтому семьи с родственниками за рубежом (многие из них казахи), а также годы и места, откуда родственники ещё получали вести, учтены чаще других. Число — нижняя граница, а не оценка целого.
stats-col-value = Значение
stats-col-count = Записей
stats-csv = Эти числа в CSV
stats-disagree = Записи расходятся
stats-unknown = Неизвестно
stats-age-years = { $years } лет
stats-sentence-years = { $years } лет
stats-sentence-under-1 = Меньше года
stats-sentence-life = Пожизненно
stats-sentence-death = Смертная казнь
stats-ethnicity-title = Национальность
stats-ethnicity-note = Как указано в свидетельствах. Казахи представлены чрезмерно: большинство свидетельств дают родственники в Казахстане.
stats-prefecture-title = Округ регистрации
stats-prefecture-note = По коду района в номере удостоверения личности КНР; запись без него считается неизвестной. Карта сохраняет код места выдачи, а человек мог жить в другом месте, когда его задержали.
stats-detention-year-title = Год первого задержания
stats-detention-year-note = Самое раннее задержание, которое источники датируют одним годом; дата, известная лишь как диапазон лет, считается расхождением. Последние годы недоучтены: вести из региона доходят не сразу.
stats-status-title = Положение сейчас
stats-status-note = Положение, указанное последним датированным эпизодом. Многие сведения устарели на годы: «задержан» значит «был задержан, когда о нём слышали в последний раз».
stats-evidence-level-title = Уровень доказанности
stats-evidence-level-note = Насколько источники подтверждают каждую запись (почему — на странице записи).
stats-age-title = Возраст при первом задержании
stats-age-note = По дате рождения и дате первого задержания. Если одна из них неточна («около 1975», «лет сорока»), возраст показан диапазоном, а не уточнён.
stats-sentence-title = Срок самого длинного приговора
stats-sentence-note = Как источники указывают срок, в годах; срок, описанный иначе, считается неизвестным. Приговоры известны для немногих записей: суды редко открыты.

## Dates and evidence levels in the reader's language
month-1 = январь
month-2 = февраль
month-3 = март
month-4 = апрель
month-5 = май
month-6 = июнь
month-7 = июль
month-8 = август
month-9 = сентябрь
month-10 = октябрь
month-11 = ноябрь
month-12 = декабрь
month-1-of = января
month-2-of = февраля
month-3-of = марта
month-4-of = апреля
month-5-of = мая
month-6-of = июня
month-7-of = июля
month-8-of = августа
month-9-of = сентября
month-10-of = октября
month-11-of = ноября
month-12-of = декабря
date-year = { $year }
date-month = { $month } { $year }
date-day = { $day } { $month } { $year }
date-about = примерно { $date }
date-range = { $from } – { $to }
level-official = источник — официальный документ
level-files = { $count ->
    [one] приложен { $count } файл-доказательство
    [few] приложено { $count } файла-доказательства
   *[other] приложено { $count } файлов-доказательств
}
level-independent = { $count ->
    [one] { $count } независимый источник
    [few] { $count } независимых источника
   *[other] { $count } независимых источников
}
level-valid-id = один источник, с номером документа, прошедшим проверку
level-full-birth = один источник, с полной датой рождения
level-one-source = один источник

## Detention facilities (the public site)
fac-title = Учреждения
fac-intro = Лагеря, следственные изоляторы и тюрьмы Синьцзяна, найденные по спутниковым снимкам и сообщениям BuzzFeed News, и опубликованные записи, эпизоды которых их называют.
fac-map = Карта { $count } мест заключения в Синьцзяне; { $named } названы в опубликованных записях.
fac-legend-named = крупные точки названы в опубликованных записях и ведут на свою страницу.
fac-legend-counts = Число у названия округа — сколько опубликованных записей называют его учреждения.
fac-col-prefecture = Округ
fac-col-facilities = Учреждений
fac-col-entries = Записей, где они названы
fac-named = Учреждения, названные в опубликованных записях ({ $count })
fac-all = Все учреждения по округам
fac-town = Населённый пункт
fac-type = Тип
fac-corroboration = Подтверждение (как указано в источнике)
fac-location = Широта, долгота
fac-sources = Сообщения и исследования
fac-entries = Опубликованные записи, где оно названо
fac-no-entries = Пока ни одна опубликованная запись не называет учреждение из этого списка.

## The live public site (dalel serve --site)
public-search-label = Имя на любом письме, слова из свидетельств или номер записи:
public-sort = Порядок:
public-sort-relevance = Лучшее совпадение
public-sort-name = Имя
public-sort-year = Год задержания
public-sort-level = Уровень доказанности
public-filters = Фильтры
public-clear = Сбросить все фильтры
public-more-values = и ещё { $count }, реже
public-found = { $count ->
    [one] { $count } запись
    [few] { $count } записи
   *[other] { $count } записей
}
public-found-about = Записей: около { $count }
public-sampled = Этому поиску отвечает так много записей, что список, их число и числа рядом с фильтрами вычислены по случайной выборке из { $sample } записей: числа приблизительны, а в списке только записи выборки. Добавьте слова или фильтры, чтобы увидеть все записи; статистика этих записей учитывает их все.
public-stats-of-these = Статистика этих записей
public-previous = Предыдущая страница
public-next = Следующая страница
public-page = Страница { $page } из { $pages }
public-detained-in = задержан(а) в { $year }
public-stats-filtered = Это подсчёт записей, выбранных фильтрами и поиском, а не всех записей.
public-stats-see-entries = Показать эти записи.
public-facet-county = Уезд регистрации
public-facet-episode = Что произошло
public-facet-facility = Учреждение
public-facet-language = Язык свидетельства

#include "schema.h"

#include <QString>

namespace tandem::schema {

// predictions.attention (data/attentionblob.h), little-endian: uint16 word
// count N, uint16 grid height H, uint16 grid width W, then N x H x W IEEE
// float16 weights, one row-major H x W map per generated word (its soft
// attention over the image's regions). A 20-word caption on an 8 x 8 grid
// takes 2.6 KB. NULL when the prediction has no attention (VQA answers).
//
// Version 1: the data model of DESIGN.md. Text search is a contentless FTS5
// index (the text lives once, in its own table) kept in step by triggers;
// its rowid is id * 4 + kind (0 caption, 1 question, 2 answer).
static const char *const migration1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE media_roots(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE images(
  id INTEGER PRIMARY KEY,
  root_id INTEGER NOT NULL REFERENCES media_roots(id),
  name TEXT NOT NULL,
  ext_id TEXT NOT NULL DEFAULT '',
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  split TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,   -- ReviewStatus
  flag INTEGER NOT NULL DEFAULT -1,    -- ImageFlag
  flag_detail TEXT NOT NULL DEFAULT '',
  UNIQUE(root_id, name));
CREATE TABLE captions(
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  ext_id TEXT NOT NULL DEFAULT '');
CREATE TABLE questions(
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  ext_id TEXT NOT NULL DEFAULT '',
  question_type TEXT NOT NULL DEFAULT '',
  answer_type TEXT NOT NULL DEFAULT '',
  multiple_choice_answer TEXT NOT NULL DEFAULT '');
CREATE TABLE answers(
  id INTEGER PRIMARY KEY,
  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  confidence TEXT NOT NULL DEFAULT '');
CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE image_tags(
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY(image_id, tag_id)) WITHOUT ROWID;
CREATE TABLE models(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  architecture TEXT NOT NULL,          -- JSON
  checkpoint TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind IN ('train', 'infer', 'eval')),
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'running',
  config TEXT NOT NULL DEFAULT '{}',   -- JSON
  metrics TEXT NOT NULL DEFAULT '{}',  -- JSON
  started_at TEXT NOT NULL DEFAULT (datetime('now')),
  finished_at TEXT);
CREATE TABLE predictions(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  question_id INTEGER REFERENCES questions(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  score REAL,
  attention BLOB);                     -- see the layout below
CREATE TABLE embeddings(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  item_kind TEXT NOT NULL CHECK(item_kind IN ('image', 'caption', 'question')),
  item_id INTEGER NOT NULL,
  vector BLOB NOT NULL,                -- float32, little-endian
  PRIMARY KEY(run_id, item_kind, item_id)) WITHOUT ROWID;

CREATE INDEX images_split ON images(split);
CREATE INDEX images_status ON images(status);
CREATE INDEX images_flag ON images(flag) WHERE flag > 0;
CREATE INDEX captions_image ON captions(image_id);
CREATE INDEX questions_image ON questions(image_id);
CREATE INDEX answers_question ON answers(question_id);
CREATE INDEX image_tags_tag ON image_tags(tag_id);
CREATE INDEX predictions_run ON predictions(run_id, image_id);

CREATE VIRTUAL TABLE search USING fts5(text, content='');
CREATE TRIGGER captions_ad AFTER DELETE ON captions BEGIN
  INSERT INTO search(search, rowid, text) VALUES ('delete', old.id * 4, old.text); END;
CREATE TRIGGER captions_au AFTER UPDATE OF text ON captions BEGIN
  INSERT INTO search(search, rowid, text) VALUES ('delete', old.id * 4, old.text);
  INSERT INTO search(rowid, text) VALUES (new.id * 4, new.text); END;
CREATE TRIGGER questions_ad AFTER DELETE ON questions BEGIN
  INSERT INTO search(search, rowid, text) VALUES ('delete', old.id * 4 + 1, old.text); END;
CREATE TRIGGER questions_au AFTER UPDATE OF text ON questions BEGIN
  INSERT INTO search(search, rowid, text) VALUES ('delete', old.id * 4 + 1, old.text);
  INSERT INTO search(rowid, text) VALUES (new.id * 4 + 1, new.text); END;
CREATE TRIGGER answers_ad AFTER DELETE ON answers BEGIN
  INSERT INTO search(search, rowid, text) VALUES ('delete', old.id * 4 + 2, old.text); END;
CREATE TRIGGER answers_au AFTER UPDATE OF text ON answers BEGIN
  INSERT INTO search(search, rowid, text) VALUES ('delete', old.id * 4 + 2, old.text);
  INSERT INTO search(rowid, text) VALUES (new.id * 4 + 2, new.text); END;
)sql";

// Kept apart from the migration: a bulk import drops them, inserts, indexes
// the new rows in one statement (8x faster than row by row) and recreates them.
static const char *const searchInsertTriggers = R"sql(
CREATE TRIGGER captions_ai AFTER INSERT ON captions BEGIN
  INSERT INTO search(rowid, text) VALUES (new.id * 4, new.text); END;
CREATE TRIGGER questions_ai AFTER INSERT ON questions BEGIN
  INSERT INTO search(rowid, text) VALUES (new.id * 4 + 1, new.text); END;
CREATE TRIGGER answers_ai AFTER INSERT ON answers BEGIN
  INSERT INTO search(rowid, text) VALUES (new.id * 4 + 2, new.text); END;
)sql";

// Version 2: predictions are suggestions a person accepts or rejects (state:
// SuggestionState; label_id: the caption or answer an accepted one became);
// one run status vocabulary (eval runs said 'finished'); regions: a box and a
// label per object, in pixels of the image (the demo generator writes one per shape).
static const char *const migration2 = R"sql(
ALTER TABLE predictions ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
ALTER TABLE predictions ADD COLUMN label_id INTEGER;
CREATE INDEX predictions_image ON predictions(image_id);
UPDATE runs SET status = 'completed' WHERE status = 'finished';
CREATE TABLE regions(
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  x REAL NOT NULL, y REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL,
  label TEXT NOT NULL DEFAULT '');
CREATE INDEX regions_image ON regions(image_id);
)sql";

// Version 3: 2-D layouts of an embed run's vectors (PCA, t-SNE, UMAP), one per
// run and method, so the embedding view reopens without computing again. And
// how sure a model was of each prediction, to label the uncertain first: VQA
// the margin between its two likeliest answers and the entropy of all;
// captions the mean log-probability of their tokens.
// image_ids, caption_ids: int64 little-endian, the items in layout order (images
// first); layout: float32 little-endian x, y per item; options: JSON.
static const char *const migration3 = R"sql(
CREATE TABLE projections(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  image_ids BLOB NOT NULL,
  caption_ids BLOB NOT NULL,
  layout BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  UNIQUE(run_id, method));
ALTER TABLE predictions ADD COLUMN margin REAL;
ALTER TABLE predictions ADD COLUMN entropy REAL;
ALTER TABLE predictions ADD COLUMN mean_log_prob REAL;
)sql";

// Version 4: tags suggested by tagging models (text: the tag's name; label_id,
// once accepted, the tag's id).
static const char *const migration4 = R"sql(
ALTER TABLE predictions ADD COLUMN tag INTEGER NOT NULL DEFAULT 0;
)sql";

static const char *const migrations[] = {migration1, migration2, migration3, migration4};

Status migrate(sql::Database &db)
{
    auto version = db.scalar("PRAGMA user_version");
    if (!version)
        return version.error();
    if (*version > currentVersion)
        return Error::store(QStringLiteral("this project was written by a newer Tandem (schema %1; this one knows %2)")
                                .arg(*version)
                                .arg(currentVersion));
    for (int v = int(*version); v < currentVersion; ++v) {
        sql::Transaction tx(db);
        if (!tx.begun())
            return tx.begun();
        if (auto s = db.exec(migrations[v]); !s)
            return Error::store(QStringLiteral("schema migration %1 failed: %2").arg(v + 1).arg(s.error().message));
        if (v == 0)
            if (auto s = db.exec(searchInsertTriggers); !s)
                return s;
        if (auto s = db.exec("PRAGMA user_version = " + std::to_string(v + 1)); !s)
            return s;
        if (auto s = tx.commit(); !s)
            return s;
    }
    return {};
}

BulkSearchIndexing::BulkSearchIndexing(sql::Database &db) : m_db(db)
{
    for (const char *table : {"captions", "questions", "answers"}) {
        auto last = m_db.scalar("SELECT coalesce(max(id), 0) FROM " + std::string(table));
        m_lastIds.push_back(last ? *last : 0);
    }
    m_status = m_db.exec("DROP TRIGGER captions_ai; DROP TRIGGER questions_ai; DROP TRIGGER answers_ai;");
}

Status BulkSearchIndexing::finish(bool alreadyIndexed)
{
    if (!m_status)
        return m_status;
    if (alreadyIndexed)
        return m_db.exec(searchInsertTriggers);
    static const char *const indexNew[] = {
        "INSERT INTO search(rowid, text) SELECT id * 4, text FROM captions WHERE id > ?1",
        "INSERT INTO search(rowid, text) SELECT id * 4 + 1, text FROM questions WHERE id > ?1",
        "INSERT INTO search(rowid, text) SELECT id * 4 + 2, text FROM answers WHERE id > ?1"};
    // A 64 MB term buffer instead of 1 MB: fewer, larger segments to merge.
    if (auto s = m_db.exec("INSERT INTO search(search, rank) VALUES ('hashsize', 67108864)"); !s)
        return s;
    for (size_t i = 0; i < std::size(indexNew); ++i) {
        auto stmt = m_db.prepare(indexNew[i]);
        if (!stmt)
            return stmt.error();
        if (auto s = stmt->bind(1, m_lastIds[i]).exec(); !s)
            return s;
    }
    if (auto s = m_db.exec("INSERT INTO search(search, rank) VALUES ('hashsize', 1048576)"); !s)
        return s;
    return m_db.exec(searchInsertTriggers);
}

} // namespace tandem::schema

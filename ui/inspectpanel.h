#pragma once
// Under the image: ask the current VQA model about the image while typing
// (top-5 answers with probabilities, unknown words marked), and see where a
// model looks — the attention map of each word of a caption (click a word,
// arrow keys, or Play), the attention or Grad-CAM of an answer, Grad-CAM of a
// retrieval score — as an overlay on the image view, exported as PNG. Every
// model call runs in a worker; only the newest request's result is shown.
#include "data/runstore.h"
#include "latestjob.h"
#include "train/modelbackend.h"

#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSlider;
class QTableWidget;
class QTimer;

namespace tandem {

class ImageView;

class InspectPanel : public QWidget {
    Q_OBJECT
public:
    InspectPanel(ImageView *view, QWidget *parent = nullptr);

    void setProject(const QString &path);
    void setModel(const std::optional<ModelRecord> &model);
    void setDevice(const QString &device);
    void setImage(qint64 imageId);
    // The stored maps of a caption suggestion (no model needed).
    void showPrediction(const PredictionRecord &prediction);
    // Puts a question in the ask box (its answers follow as if typed).
    void setQuestion(const QString &question);

public slots:
    void explain();
    void focusQuestion();
    void exportMap();

signals:
    void message(const QString &text);

private:
    QWidget *buildAskRow();
    QWidget *buildExplainRow();
    void ask();
    void showAnswers(const Expected<AskResult> &result);
    void showExplanation(const Expected<ExplainResult> &result);
    void showWord(int index);
    void showMaps(const QString &summary, int gridHeight, int gridWidth, std::vector<ExplainMap> maps,
                  const QStringList &words, const std::vector<float> &wordWeights);
    void clearResults();
    void updateEnabled();
    void stepPlay();
    template <typename Request>
    Request imageRequest() const;

    ImageView *m_view;
    QString m_project;
    std::optional<ModelRecord> m_model;
    QString m_device = QStringLiteral("auto");
    qint64 m_imageId = 0;
    bool m_explainShown = false; // explain again when the image changes
    LatestJob<Expected<AskResult>> m_askJob;
    LatestJob<Expected<ExplainResult>> m_explainJob;
    int m_gridHeight = 0, m_gridWidth = 0;
    std::vector<ExplainMap> m_maps;
    QString m_summaryText;
    QStringList m_unknownWords; // of the last question asked

    QLineEdit *m_question = nullptr;
    QTimer *m_typing = nullptr;
    QTableWidget *m_answers = nullptr;
    QLabel *m_words = nullptr;
    QComboBox *m_method = nullptr;
    QPushButton *m_explain = nullptr, *m_play = nullptr, *m_export = nullptr;
    QCheckBox *m_showMap = nullptr, *m_outlines = nullptr;
    QSlider *m_opacity = nullptr;
    QListWidget *m_mapList = nullptr;
    QLabel *m_summary = nullptr;
    QTimer *m_player = nullptr;
};

} // namespace tandem

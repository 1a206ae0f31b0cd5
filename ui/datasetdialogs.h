#pragma once
// The dialogs that ask what to import and where to export: format (from the
// format plugins), files, folders and filters. They only collect options; the
// FileController runs the job.
#include "data/projectstore.h"
#include "formats/datasetformat.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;

namespace tandem {

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(QWidget *parent = nullptr);
    QString formatId() const; // "" = detect from the first file
    ImportOptions options() const;

private:
    void browseFiles();
    void browseImages();
    void updateOk();

    QComboBox *m_format;
    QLineEdit *m_files;
    QLineEdit *m_images;
    QComboBox *m_split;
    QPushButton *m_ok = nullptr;
};

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(const QStringList &splits, QWidget *parent = nullptr);
    QString formatId() const;
    ExportOptions options() const;
    DatasetFilter filter() const;

private:
    void browseOutput();

    QComboBox *m_format;
    QLineEdit *m_output;
    QComboBox *m_split;
    QComboBox *m_status;
    QCheckBox *m_skipFlagged;
    QCheckBox *m_copyImages;
};

// "No dataset formats are installed" with the folders searched, or "" when some are.
QString missingFormatsMessage();

} // namespace tandem

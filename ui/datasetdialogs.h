#pragma once
// The dialogs that ask what to import and where to export: target project,
// format (from the format plugins), files, folders and filters. They only
// collect a request; the FileController runs it as a background job.
#include "jobs/datasetjobs.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QWidget;

namespace tandem {

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    // openProject: the project the main window shows ("" = none: import into a new one).
    explicit ImportDialog(const QString &openProject, QWidget *parent = nullptr);
    ImportRequest request() const;

    void accept() override; // refuses a new project path that already exists

private:
    QString formatId() const; // "" = detect from the first file
    QString newProjectPath() const;
    bool intoNewProject() const;
    void browseFiles();
    void browseImages();
    void browseNewProject();
    void update();

    QComboBox *m_target;
    QLineEdit *m_newProject;
    QWidget *m_newProjectRow;
    QComboBox *m_format;
    QLineEdit *m_files;
    QLineEdit *m_images;
    QComboBox *m_split;
    QLineEdit *m_imagePattern;
    QPushButton *m_ok = nullptr;
};

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(const QString &project, const QStringList &splits, QWidget *parent = nullptr);
    ExportRequest request() const;

private:
    QString formatId() const;
    bool writesFolder() const;
    void browseOutput();
    void update();

    QString m_project;
    QComboBox *m_format;
    QLineEdit *m_output;
    QComboBox *m_split;
    QComboBox *m_status;
    QCheckBox *m_skipFlagged;
    QCheckBox *m_copyImages;
    QPushButton *m_ok = nullptr;
};

// "No dataset formats are installed" with the folders searched, or "" when some are.
QString missingFormatsMessage();

} // namespace tandem

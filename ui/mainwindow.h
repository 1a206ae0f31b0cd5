#pragma once
// The main window: a wiring file. Views and models live in their own files.
#include <QMainWindow>

class QLabel;

namespace tandem {

struct ProjectInfo;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    // Opens the project in the background; the window stays responsive.
    void openProject(const QString &path);

private:
    void showInfo(const ProjectInfo &info);
    void showError(const QString &message);

    QLabel *m_summary = nullptr;
};

} // namespace tandem

#include "mainwindow.h"

namespace tandem {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Tandem"));
}

} // namespace tandem

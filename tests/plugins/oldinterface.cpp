// A format plugin built for an interface version this Tandem does not load:
// the catalogue must list it as incompatible and never instantiate it.
#include <QObject>

class OldInterfaceFormat : public QObject {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.tandem.DatasetFormat/0.9" FILE "oldinterface.json")
};

#include "oldinterface.moc"

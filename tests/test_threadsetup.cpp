#include "util/threadsetup.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem::threads;

class TestThreadSetup : public QObject {
    Q_OBJECT
private slots:
    void keepsAGoodOpenBlasChoice();
    void asksForWiderKernelsWhereTheCpuHasThem();
    void findsTheOpenMpBuildBesideThePthreadsOne();
    void findsThisProcesssOpenBlas();
    void keepsTheUsersPoolSettingsAndAPinnedCore();
};

void TestThreadSetup::keepsAGoodOpenBlasChoice()
{
    const CpuFeatures avx512{true, true};
    QCOMPARE(betterOpenBlasCore("SkylakeX", avx512), std::string());
    QCOMPARE(betterOpenBlasCore("Cooperlake", avx512), std::string());
    QCOMPARE(betterOpenBlasCore("Haswell", CpuFeatures{true, false}), std::string());
    QCOMPARE(betterOpenBlasCore("Zen", CpuFeatures{true, false}), std::string());
    QCOMPARE(betterOpenBlasCore("", avx512), std::string()); // no OpenBLAS: nothing to set
    QCOMPARE(betterOpenBlasCore("Prescott", CpuFeatures{}), std::string()); // the CPU has nothing wider
}

void TestThreadSetup::asksForWiderKernelsWhereTheCpuHasThem()
{
    // OpenBLAS 0.3.21 on a VM whose CPU it did not know: SSE3 kernels on AVX-512 hardware
    QCOMPARE(betterOpenBlasCore("Prescott", CpuFeatures{true, true}), std::string("SkylakeX"));
    QCOMPARE(betterOpenBlasCore("Sandybridge", CpuFeatures{true, true}), std::string("SkylakeX"));
    QCOMPARE(betterOpenBlasCore("Haswell", CpuFeatures{true, true}), std::string("SkylakeX"));
    QCOMPARE(betterOpenBlasCore("Nehalem", CpuFeatures{true, false}), std::string("Haswell"));
}

void TestThreadSetup::findsTheOpenMpBuildBesideThePthreadsOne()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pthreads = dir.filePath(QStringLiteral("openblas-pthread")), openmp = dir.filePath(QStringLiteral("openblas-openmp"));
    QVERIFY(QDir().mkpath(pthreads));
    const std::string library = (pthreads + QStringLiteral("/libopenblas.so.0")).toStdString();
    QCOMPARE(openMpOpenBlasFolder(library), std::string()); // not installed
    QVERIFY(QDir().mkpath(openmp));
    QFile file(openmp + QStringLiteral("/libopenblas.so.0"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QCOMPARE(openMpOpenBlasFolder(library), dir.path().toStdString() + "/openblas-openmp");
    QCOMPARE(openMpOpenBlasFolder((openmp + QStringLiteral("/libopenblas.so.0")).toStdString()), std::string());
    QCOMPARE(openMpOpenBlasFolder("/opt/mkl/lib/libmkl_rt.so"), std::string());
}

void TestThreadSetup::findsThisProcesssOpenBlas()
{
    const OpenBlas blas = openBlas();
    if (blas.path.empty())
        QSKIP("no OpenBLAS on this machine");
    QVERIFY2(QFile::exists(QString::fromStdString(blas.path)), blas.path.c_str());
    QVERIFY(!blas.core.empty());
}

namespace {

QString setting(const std::vector<std::pair<std::string, std::string>> &environment, const char *name)
{
    for (const auto &[key, value] : environment)
        if (key == name)
            return QString::fromStdString(value);
    return QStringLiteral("(unset)");
}

} // namespace

void TestThreadSetup::keepsTheUsersPoolSettingsAndAPinnedCore()
{
    qunsetenv("OMP_WAIT_POLICY");
    qunsetenv("GOMP_SPINCOUNT");
    qunsetenv("TANDEM_OPENBLAS_CORETYPE");
    auto environment = modelEnvironment();
    QVERIFY(setting(environment, "GOMP_SPINCOUNT") == QLatin1String("100000")
            || setting(environment, "OMP_WAIT_POLICY") == QLatin1String("PASSIVE"));

    qputenv("GOMP_SPINCOUNT", "7");
    qputenv("TANDEM_OPENBLAS_CORETYPE", "Sandybridge");
    environment = modelEnvironment();
    QCOMPARE(setting(environment, "GOMP_SPINCOUNT"), QStringLiteral("(unset)")); // the user's 7 stays
    QCOMPARE(setting(environment, "OMP_WAIT_POLICY"), QStringLiteral("(unset)"));
    QCOMPARE(setting(environment, "OPENBLAS_CORETYPE"), QStringLiteral("Sandybridge"));
    qunsetenv("GOMP_SPINCOUNT");
    qunsetenv("TANDEM_OPENBLAS_CORETYPE");
}

QTEST_GUILESS_MAIN(TestThreadSetup)
#include "test_threadsetup.moc"

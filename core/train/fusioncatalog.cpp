#include "train/fusioncatalog.h"

namespace tandem {

const std::vector<FusionInfo> &fusionCatalog()
{
    static const std::vector<FusionInfo> catalog = {
        {QStringLiteral("film"), QStringLiteral("FiLM"),
         QStringLiteral("The question scales and shifts every channel of the image's feature map, block after block "
                        "(Perez et al. 2018); the default, and the best on Sort-of-CLEVR."),
         QStringLiteral("F′ = ReLU(γ(q) ⊙ conv(F) + β(q)) + F, then max over regions"),
         QStringLiteral("image ─ CNN ─ F ─ conv ─ (×γ +β) ─ ReLU ─ (+F) ─ … ─ max ─ answer\n                          ↑\nquestion ─ GRU ─ q ─ γ(q), β(q)")},
        {QStringLiteral("concat"), QStringLiteral("Concatenation"),
         QStringLiteral("The pooled image vector and the question vector side by side, then an MLP: the baseline."),
         QStringLiteral("z = MLP([mean(V); q])"),
         QStringLiteral("image ─ CNN ─ mean ─┐\n                   ├─ [ ; ] ─ MLP ─ answer\nquestion ─ GRU ────┘")},
        {QStringLiteral("late"), QStringLiteral("Late fusion"),
         QStringLiteral("An image-only and a question-only answer classifier, their scores averaged: neither sees the other."),
         QStringLiteral("s = ½ (MLP_v(mean(V)) + MLP_q(q))"),
         QStringLiteral("image ─ CNN ─ mean ─ MLP ─┐\n                         ├─ average ─ answer\nquestion ─ GRU ─── MLP ──┘")},
        {QStringLiteral("gmu"), QStringLiteral("Gated multimodal unit"),
         QStringLiteral("A learned gate decides, feature by feature, how much comes from the image and how much from "
                        "the question (Arevalo et al. 2017)."),
         QStringLiteral("z = σ(W[v; q]) ⊙ tanh(W_v v) + (1 − σ(W[v; q])) ⊙ tanh(W_q q)"),
         QStringLiteral("image ─ tanh(W_v v) ─ × g ───────┐\n           g = σ(W[v; q])       ├─ + ─ answer\nquestion ─ tanh(W_q q) ─ × (1 − g) ┘")},
        {QStringLiteral("mfb"), QStringLiteral("Multi-modal factorised bilinear pooling"),
         QStringLiteral("A low-rank bilinear product of image and question features, sum-pooled over k factors, "
                        "with question-guided attention over the regions (Yu et al. 2017)."),
         QStringLiteral("z = SumPool_k(U v ⊙ W q), signed square root, L2 norm"),
         QStringLiteral("regions ─ U ─┐\n             ├─ ⊙ ─ sum-pool k ─ √, L2 ─ answer\nquestion ─ W ─┘ (and attention over regions)")},
        {QStringLiteral("cross_attention"), QStringLiteral("Cross-attention"),
         QStringLiteral("The question attends over the image regions, and the result attends back over the words "
                        "(co-attention); its attention shows which regions the answer came from."),
         QStringLiteral("Attn(Q = words, K = V = regions) = softmax(QKᵀ / √d) V"),
         QStringLiteral("question ─ Q ─┐\nregions ─ K,V ┴─ softmax(QKᵀ/√d)V ─ pool ─ answer")},
        {QStringLiteral("relation"), QStringLiteral("Relation network"),
         QStringLiteral("Every pair of regions, with the question, goes through a shared MLP g and the results are "
                        "summed (Santoro et al. 2017): built for relational questions."),
         QStringLiteral("z = f(Σ_{i,j} g(r_i, r_j, q))"),
         QStringLiteral("(r_i, r_j, q) for every pair ─ g ─ Σ ─ f ─ answer")},
    };
    return catalog;
}

const FusionInfo *findFusion(const QString &name)
{
    for (const FusionInfo &info : fusionCatalog())
        if (info.name == name)
            return &info;
    return nullptr;
}

} // namespace tandem

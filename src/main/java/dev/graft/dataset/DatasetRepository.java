package dev.graft.dataset;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface DatasetRepository extends JpaRepository<Dataset, String> {

    /** Newest first; {@code limit} is one more than the page so the caller can tell has_more. */
    @Query("select d from Dataset d where d.tenantId = :tenantId order by d.seq desc")
    List<Dataset> newestFirst(String tenantId, Limit limit);

    @Query("select d from Dataset d where d.tenantId = :tenantId and d.seq < :seq order by d.seq desc")
    List<Dataset> newestFirstBefore(String tenantId, long seq, Limit limit);

    @Query("select d.seq from Dataset d where d.tenantId = :tenantId and d.id = :id")
    Optional<Long> seqOf(String tenantId, String id);

    /** The tenant's dataset; another tenant's is as absent as a missing one. */
    Optional<Dataset> findByTenantIdAndId(String tenantId, String id);

    long countByTenantId(String tenantId);
}
